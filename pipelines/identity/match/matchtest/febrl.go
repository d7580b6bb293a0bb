package matchtest

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// This file draws sets the way FEBRL's data set generator (dsgen) draws its public benchmark sets: flat records
// of ten text fields (given name, surname, street number, two address lines, place, postcode, state, birth date
// as YYYYMMDD, and a seven-digit personal number), originals with some fields empty, and duplicates that each
// get a fixed number of modifications spread over the fields by dsgen's selection chances, each modification a
// typing error about the middle of a value (keyboard neighbours mostly), a misspelling heard alike, a value
// replaced, words split, joined or exchanged, or the field emptied or filled, and pairs of fields exchanged
// (given name and surname among them), all with the chances of dsgen's field dictionaries. The values are
// Dutch-looking and drawn from larger name spaces than the register-like Generator; there are no relatives. The
// records reach the person index as a partner's mapping would make them: the personal number a partner's own
// number, the address a street address without a Dutch postcode, a birth date that is no date left out.

// FebrlOptions are the parameters of a FEBRL-style set, named as dsgen names them.
type FebrlOptions struct {
	Originals, Duplicates int
	// MaxDuplicates is the most duplicates of one original: the number of each is drawn by a Zipf law (dsgen's
	// "zipf" distribution) until Duplicates are drawn; with MaxDuplicates 1, the first Duplicates originals have
	// one each.
	MaxDuplicates int
	// MaxPerRecord is the number of modifications of each duplicate, at most MaxPerField of them to one field
	// (dsgen may go over by those of the last field it picks). dsgen makes that many: it modifies a duplicate until
	// as many modifications changed it.
	MaxPerField, MaxPerRecord int
}

// FEBRL3 and FEBRL4 have the parameters dsgen's README gives for the public dedup and linkage sets of those names
// ("generate.py dataset3.csv 2000 3000 5 4 6 zipf": 2,000 originals with 3,000 duplicates, at most five of one by
// a Zipf law, at most four modifications to a field and six to a record; "generate.py dataset4.csv 5000 5000 1 2
// 4 uniform": one duplicate of each of 5,000 originals, at most two modifications to a field and four to a
// record). The chances of each modification follow dsgen's default field dictionaries; the values are Dutch-looking,
// not the Australian ones of the public sets, which the project does not hold.
var (
	FEBRL3 = FebrlOptions{Originals: 2000, Duplicates: 3000, MaxDuplicates: 5, MaxPerField: 4, MaxPerRecord: 6}
	FEBRL4 = FebrlOptions{Originals: 5000, Duplicates: 5000, MaxDuplicates: 1, MaxPerField: 2, MaxPerRecord: 4}
)

// febrl fields.
const (
	fGiven = iota
	fSurname
	fStreetNumber
	fAddress1
	fAddress2
	fSuburb
	fPostcode
	fState
	fBirth
	fSSID
	numFebrlFields
)

// febrlSelect is the chance that a modification falls on each field (dsgen's select_prob, which also gives age and
// a phone number 0.05 each; the benchmark sets hold neither).
var febrlSelect = [numFebrlFields]float64{0.10, 0.15, 0.10, 0.10, 0.10, 0.10, 0.05, 0.05, 0.10, 0.05}

// Modification kinds.
const (
	modIns = iota
	modDel
	modSub
	modTrans
	modMisspell
	modSwapValue // another value of the field
	modWordSwap
	modSpaceIns
	modSpaceDel
	modMissing
	modNewValue // a value where there was none
	numMods
)

// febrlMods are the chances of each kind of modification per field, as dsgen's field dictionaries give them
// (misspell_prob, ins_prob, del_prob, sub_prob, trans_prob, val_swap_prob, wrd_swap_prob, spc_ins_prob,
// spc_del_prob, miss_prob, new_val_prob). A modification that does not apply (a misspelling of a value the
// misspellings do not hold, words exchanged in a value of one word, a new value for a value that is not empty)
// changes nothing but counts, as in dsgen.
var febrlMods = [numFebrlFields][numMods]float64{
	fGiven:        {modMisspell: 0.30, modIns: 0.05, modDel: 0.15, modSub: 0.35, modTrans: 0.05, modSwapValue: 0.02, modWordSwap: 0.02, modSpaceIns: 0.01, modSpaceDel: 0.01, modMissing: 0.02, modNewValue: 0.02},
	fSurname:      {modMisspell: 0.30, modIns: 0.10, modDel: 0.10, modSub: 0.35, modTrans: 0.04, modSwapValue: 0.02, modWordSwap: 0.02, modSpaceIns: 0.01, modSpaceDel: 0.02, modMissing: 0.02, modNewValue: 0.02},
	fStreetNumber: {modIns: 0.10, modDel: 0.15, modSub: 0.60, modTrans: 0.05, modSwapValue: 0.05, modWordSwap: 0.01, modMissing: 0.02, modNewValue: 0.02},
	fAddress1:     {modIns: 0.10, modDel: 0.15, modSub: 0.55, modTrans: 0.05, modSwapValue: 0.02, modWordSwap: 0.03, modSpaceIns: 0.02, modSpaceDel: 0.03, modMissing: 0.04, modNewValue: 0.01},
	fAddress2:     {modIns: 0.04, modDel: 0.04, modSub: 0.10, modTrans: 0.02, modSwapValue: 0.03, modWordSwap: 0.04, modSpaceIns: 0.02, modSpaceDel: 0.01, modMissing: 0.60, modNewValue: 0.10},
	fSuburb:       {modMisspell: 0.40, modIns: 0.10, modDel: 0.15, modSub: 0.22, modTrans: 0.04, modSwapValue: 0.01, modWordSwap: 0.02, modSpaceIns: 0.02, modSpaceDel: 0.02, modMissing: 0.01, modNewValue: 0.01},
	fPostcode:     {modSub: 0.35, modTrans: 0.60, modSwapValue: 0.03, modMissing: 0.01, modNewValue: 0.01},
	fState:        {modIns: 0.10, modDel: 0.10, modSub: 0.55, modTrans: 0.02, modSwapValue: 0.03, modMissing: 0.10, modNewValue: 0.10},
	fBirth:        {modSub: 0.50, modTrans: 0.30, modSwapValue: 0.05, modMissing: 0.10, modNewValue: 0.05},
	fSSID:         {modSub: 0.50, modTrans: 0.40, modSwapValue: 0.10},
}

// febrlOriginalMissing is the chance that an original leaves a field empty: dsgen draws originals with each field
// missing at its miss_prob.
var febrlOriginalMissing = [numFebrlFields]float64{0.02, 0.02, 0.02, 0.04, 0.6, 0.01, 0.01, 0.10, 0.10, 0}

// febrlFieldSwaps are pairs of fields a duplicate has exchanged, with their chances.
var febrlFieldSwaps = []struct {
	a, b int
	p    float64
}{{fGiven, fSurname, 0.05}, {fAddress1, fAddress2, 0.02}, {fPostcode, fSuburb, 0.01}}

var (
	surnameEndings = []string{"", "s", "en", "man", "er", "ing", "ink", "stra", "sma", "hof", "veld", "kamp", "huis",
		"dijk", "berg", "sen", "inga", "ens", "horst", "broek"}
	givenEndings = []string{"", "a", "e", "ie", "o", "i", "y", "ke", "tje", "ien", "ina", "us", "ard", "el"}
	febrlStates  = []string{"nh", "zh", "ut", "nb", "gld", "ov", "gr", "fr", "dr", "fl", "zl", "lb"}
	febrlAddr2   = []string{"flat", "unit", "appartement", "kamer", "woonboot", "achterhuis", "bovenwoning", "studio"}
)

// febrlRecord is one record as ten text fields.
type febrlRecord [numFebrlFields]string

// febrlName draws a name from a larger space than the lists hold: a listed name, or a listed name's stem with an
// ending, under a Zipf law so that a few names are common and most rare.
func (g *Generator) febrlName(list, endings []string) string {
	base := strings.ToLower(canonical.Fold(list[g.Zipf(len(list))]))
	if g.Chance(0.4) {
		return base
	}
	if i := strings.LastIndexAny(base, " "); i >= 0 {
		base = base[i+1:]
	}
	if len(base) > 4 && g.Chance(0.5) {
		base = base[:len(base)-1-g.r.IntN(2)]
	}
	return base + endings[g.r.IntN(len(endings))]
}

func (g *Generator) febrlOriginal() febrlRecord {
	var r febrlRecord
	names := maleNames
	if g.Chance(0.5) {
		names = femaleNames
	}
	r[fGiven] = g.febrlName(names, givenEndings)
	r[fSurname] = g.febrlName(surnames, surnameEndings)
	r[fStreetNumber] = strconv.Itoa(1 + g.Zipf(400))
	r[fAddress1] = strings.ToLower(streetStems[g.r.IntN(len(streetStems))] + streetKinds[g.r.IntN(len(streetKinds))])
	r[fAddress2] = febrlAddr2[g.r.IntN(len(febrlAddr2))] + " " + strconv.Itoa(1+g.r.IntN(30))
	pc := 1000 + g.r.IntN(9000)
	r[fPostcode] = strconv.Itoa(pc)
	r[fSuburb] = strings.ToLower(canonical.Fold(places[(pc/100)%len(places)]))
	if g.Chance(0.5) {
		// Most places have several postcodes, and a postcode's place is not always its region's.
		r[fSuburb] = g.febrlName(places, []string{"", "dorp", "veen", "wijk", "broek", "hoven"})
	}
	r[fState] = febrlStates[g.r.IntN(len(febrlStates))]
	b := g.newBirth(1920, 2010)
	r[fBirth] = fmt.Sprintf("%04d%02d%02d", b.Year, b.Month, b.Day)
	r[fSSID] = strconv.Itoa(1000000 + g.r.IntN(9000000))
	for f := range r {
		if g.Chance(febrlOriginalMissing[f]) {
			r[f] = ""
		}
	}
	return r
}

// febrlDuplicate returns a modified copy of r as dsgen makes one: with two modifications or more allowed, pairs of
// fields exchanged (two modifications each), then fields picked by their selection chances among those modified
// fewer than MaxPerField times, each modified one to MaxPerField times, until the record has MaxPerRecord
// modifications that changed it.
func (g *Generator) febrlDuplicate(r febrlRecord, o FebrlOptions) febrlRecord {
	d := r
	var count [numFebrlFields]int
	n := 0
	if o.MaxPerRecord > 1 {
		for _, i := range g.r.Perm(len(febrlFieldSwaps)) {
			s := febrlFieldSwaps[i]
			if g.Chance(s.p) && n <= o.MaxPerRecord-2 && d[s.a] != "" && d[s.b] != "" {
				d[s.a], d[s.b] = d[s.b], d[s.a]
				n += 2
				count[s.a]++
				count[s.b]++
			}
		}
	}
	// A modification that changes nothing (a misspelling of a value with none, a new value for a field that has
	// one) does not count, as in dsgen; tries bounds the loop for a record with nothing left to change.
	for tries := 0; n < o.MaxPerRecord && tries < 100; tries++ {
		f := g.febrlField(&count, o.MaxPerField)
		if f < 0 {
			break
		}
		k := 1
		if o.MaxPerField > 1 {
			k = 1 + g.r.IntN(o.MaxPerField)
		}
		for range min(k, o.MaxPerRecord-n) {
			if v := g.febrlModify(f, d[f]); v != d[f] {
				d[f] = v
				count[f]++
				n++
			}
		}
	}
	return d
}

// febrlField picks a field to modify by the selection chances among those not yet modified max times; -1 when
// none is left.
func (g *Generator) febrlField(count *[numFebrlFields]int, max int) int {
	total := 0.0
	for f, p := range febrlSelect {
		if count[f] < max {
			total += p
		}
	}
	if total == 0 {
		return -1
	}
	x := g.r.Float64() * total
	for f, p := range febrlSelect {
		if count[f] >= max {
			continue
		}
		if x -= p; x < 0 {
			return f
		}
	}
	return numFebrlFields - 1
}

func (g *Generator) febrlModify(f int, v string) string {
	x := g.r.Float64()
	mod := -1
	for m, p := range febrlMods[f] {
		if x -= p; x < 0 {
			mod = m
			break
		}
	}
	digits := f == fStreetNumber || f == fPostcode || f == fBirth || f == fSSID
	if v == "" {
		if mod == modNewValue {
			o := g.febrlOriginal()
			for o[f] == "" {
				o = g.febrlOriginal()
			}
			return o[f]
		}
		return v
	}
	r := []rune(v)
	switch mod {
	case modIns:
		pos := g.errorPosition(len(r), 1)
		return string(r[:pos]) + string(g.febrlChar(digits, 0)) + string(r[pos:])
	case modDel:
		if len(r) < 2 {
			return v
		}
		pos := g.errorPosition(len(r), 0)
		return string(r[:pos]) + string(r[pos+1:])
	case modSub:
		pos := g.errorPosition(len(r), 0)
		r[pos] = g.febrlChar(digits, r[pos])
		return string(r)
	case modTrans:
		if len(r) < 2 {
			return v
		}
		pos := g.errorPosition(len(r), -1)
		r[pos], r[pos+1] = r[pos+1], r[pos]
		return string(r)
	case modMisspell:
		return g.misspell(v)
	case modSwapValue:
		return g.febrlOriginalField(f)
	case modWordSwap:
		w := strings.Fields(v)
		if len(w) < 2 {
			return v
		}
		i := g.r.IntN(len(w) - 1)
		w[i], w[i+1] = w[i+1], w[i]
		return strings.Join(w, " ")
	case modSpaceIns:
		if len(r) < 2 {
			return v
		}
		pos := max(1, g.errorPosition(len(r), -1))
		return string(r[:pos]) + " " + string(r[pos:])
	case modSpaceDel:
		return strings.Replace(v, " ", "", 1)
	case modMissing:
		return ""
	}
	return v
}

// febrlOriginalField returns a value of field f drawn as for an original, never empty.
func (g *Generator) febrlOriginalField(f int) string {
	for {
		if o := g.febrlOriginal(); o[f] != "" {
			return o[f]
		}
	}
}

// errorPosition returns where a typing error falls in a value of n characters, as dsgen draws it: about the
// middle (a Gauss law one character past half the length, deviation one), seldom at the first letter; offset
// moves the last position allowed (1 for an insertion after the last character, -1 for a transposition).
func (g *Generator) errorPosition(n, offset int) int {
	mid := float64((n+offset)/2 + 1)
	pos := max(0, int(math.Round(g.r.NormFloat64()+mid)))
	return min(pos, n-1+offset)
}

// qwerty holds the letters near each letter on a keyboard, which a typing error puts in its place.
var qwerty = map[rune]string{
	'q': "wa", 'w': "qes", 'e': "wrd", 'r': "etf", 't': "ryg", 'y': "tuh", 'u': "yij", 'i': "uok", 'o': "ipl",
	'p': "ol", 'a': "qsz", 's': "adwx", 'd': "sfec", 'f': "dgrv", 'g': "fhtb", 'h': "gjyn", 'j': "hkum",
	'k': "jlim", 'l': "ko", 'z': "xas", 'x': "zcs", 'c': "xvd", 'v': "cbf", 'b': "vng", 'n': "bmh", 'm': "nj",
}

// febrlChar returns a character typed instead of c (or inserted, for c 0): a neighbouring key mostly.
func (g *Generator) febrlChar(digits bool, c rune) rune {
	if digits {
		for {
			if d := rune('0' + g.r.IntN(10)); d != c {
				return d
			}
		}
	}
	if n, ok := qwerty[c]; ok && g.Chance(0.8) {
		return rune(n[g.r.IntN(len(n))])
	}
	for {
		if l := rune(letters[g.r.IntN(26)]); l != c {
			return l
		}
	}
}

// misspellings are spellings heard alike, as people misspell names they were told.
var misspellings = [][2]string{
	{"ij", "y"}, {"ei", "ij"}, {"ch", "g"}, {"c", "k"}, {"k", "c"}, {"ph", "f"}, {"th", "t"}, {"dt", "t"},
	{"d", "t"}, {"z", "s"}, {"s", "z"}, {"v", "f"}, {"aa", "a"}, {"ee", "e"}, {"oo", "o"}, {"uu", "u"},
	{"ie", "i"}, {"ou", "au"}, {"au", "ou"}, {"ll", "l"}, {"tt", "t"}, {"ss", "s"}, {"nn", "n"}, {"x", "ks"},
	{"y", "i"}, {"i", "ie"}, {"sch", "s"}, {"w", "v"},
}

// misspell replaces one spelling in v by one heard alike; v as it is when none applies, as dsgen leaves a value
// its misspellings dictionary does not hold.
func (g *Generator) misspell(v string) string {
	start := g.r.IntN(len(misspellings))
	for i := range misspellings {
		m := misspellings[(start+i)%len(misspellings)]
		if j := strings.Index(v[1:], m[0]); j >= 0 {
			j++
			return v[:j] + m[1] + v[j+len(m[0]):]
		}
	}
	return v
}

// febrlPerson makes the canonical person a partner's mapping would make of r: the personal number as the
// partner's own number, the address as a street address, a birth date that is no date left out.
func febrlPerson(r febrlRecord) canonical.Person {
	p := canonical.Person{}
	p.Name.GivenNames, p.Name.Surname = r[fGiven], r[fSurname]
	if d, ok := febrlDate(r[fBirth]); ok {
		p.BirthDate = &d
	}
	house, _ := strconv.Atoi(strings.TrimSpace(r[fStreetNumber]))
	if r[fAddress1] != "" || r[fSuburb] != "" || r[fPostcode] != "" {
		p.Addresses = []canonical.Address{{Street: r[fAddress1], HouseNumber: house, Postcode: r[fPostcode],
			City: r[fSuburb]}}
	}
	if r[fSSID] != "" {
		p.Identifiers = []canonical.Identifier{{Scheme: canonical.SchemeLocal, Issuer: "febrl", Value: r[fSSID]}}
	}
	return p
}

// febrlSet is a FEBRL-style set as text records, with the original each record is of, its number among that
// original's duplicates (-1 for the original) and its side.
type febrlSet struct {
	records []febrlRecord
	entity  []int
	dup     []int
	side    []int
	linkage bool
}

// drawFebrl draws the records of a FEBRL-style set (see Febrl).
func drawFebrl(seed uint64, o FebrlOptions) *febrlSet {
	g := NewGenerator(seed)
	orig := make([]febrlRecord, o.Originals)
	for i := range orig {
		orig[i] = g.febrlOriginal()
	}
	// copies per original
	copies := make([]int, o.Originals)
	left := o.Duplicates
	if o.MaxDuplicates == 1 {
		for i := 0; i < o.Originals && left > 0; i++ {
			copies[i], left = 1, left-1
		}
	} else {
		for _, i := range g.r.Perm(o.Originals) {
			if left == 0 {
				break
			}
			k := min(g.zipfCount(o.MaxDuplicates), left)
			copies[i], left = k, left-k
		}
	}
	s := &febrlSet{linkage: o.MaxDuplicates == 1}
	add := func(r febrlRecord, entity, dup, side int) {
		s.records = append(s.records, r)
		s.entity = append(s.entity, entity)
		s.dup = append(s.dup, dup)
		s.side = append(s.side, side)
	}
	for i, r := range orig {
		add(r, i, -1, 0)
	}
	for i, r := range orig {
		for k := range copies[i] {
			add(g.febrlDuplicate(r, o), i, k, 1)
		}
	}
	if !s.linkage {
		for i := range s.side {
			s.side[i] = 0
		}
		g.Rand().Shuffle(len(s.records), func(i, j int) {
			s.records[i], s.records[j] = s.records[j], s.records[i]
			s.entity[i], s.entity[j] = s.entity[j], s.entity[i]
			s.dup[i], s.dup[j] = s.dup[j], s.dup[i]
		})
	}
	return s
}

// Febrl draws a FEBRL-style set: o.Originals records, and o.Duplicates modified copies of them, the number of
// copies of one original drawn by a Zipf law up to o.MaxDuplicates or one each. With one duplicate per original
// the set is a linkage set (originals on side 0, duplicates on side 1); otherwise a dedup set, shuffled. The
// records are the canonical persons a partner's mapping makes of the text records (see FebrlCSV).
func Febrl(seed uint64, o FebrlOptions) *Set {
	fs := drawFebrl(seed, o)
	s := &Set{Linkage: fs.linkage}
	for i, r := range fs.records {
		s.add(febrlPerson(r), fs.entity[i], fs.side[i], "febrl")
	}
	return s
}

// FebrlHeader is the header of FebrlCSV's files, FEBRL's own.
var FebrlHeader = []string{"rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb",
	"postcode", "state", "date_of_birth", "soc_sec_id"}

// FebrlCSV returns the records Febrl draws with the same seed and options as the rows of FEBRL's files, in the same
// order: a record id ("rec-12-org", "rec-12-dup-0") and the ten fields as text, before any mapping. In a linkage
// set the first o.Originals rows are the first file's, the others the second's. Entity is the true person of each
// row.
func FebrlCSV(seed uint64, o FebrlOptions) (rows [][]string, entity []int) {
	fs := drawFebrl(seed, o)
	for i, r := range fs.records {
		id := fmt.Sprintf("rec-%d-org", fs.entity[i])
		if fs.dup[i] >= 0 {
			id = fmt.Sprintf("rec-%d-dup-%d", fs.entity[i], fs.dup[i])
		}
		rows = append(rows, append([]string{id}, r[:]...))
	}
	return rows, fs.entity
}

// zipfCount draws 1..n with chances proportional to 1/√k, as dsgen's Zipf distribution of duplicates (its
// zipf_theta 0.5).
func (g *Generator) zipfCount(n int) int {
	total := 0.0
	for k := 1; k <= n; k++ {
		total += 1 / math.Sqrt(float64(k))
	}
	x := g.r.Float64() * total
	for k := 1; k <= n; k++ {
		if x -= 1 / math.Sqrt(float64(k)); x < 0 {
			return k
		}
	}
	return n
}

// febrlDate reads a YYYYMMDD date; false for anything that is no date.
func febrlDate(s string) (canonical.PartialDate, bool) {
	if len(s) != 8 {
		return canonical.PartialDate{}, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return canonical.PartialDate{}, false
	}
	d := canonical.PartialDate{Year: n / 10000, Month: n / 100 % 100, Day: n % 100}
	if d.Year < 1800 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > canonical.DaysIn(d.Year, d.Month) {
		return canonical.PartialDate{}, false
	}
	return d, true
}

// ReadFebrl reads files in the layout of FEBRL's public benchmark sets (a header, then a record id and the ten
// fields, separated by a comma and a space) into a set, each row made the canonical person Febrl makes of its
// fields. The true person of a row is the number in its record id ("rec-12-org" and "rec-12-dup-0" are one
// person). One file is a dedup set; two files are a linkage set, the first file on side 0.
func ReadFebrl(files ...io.Reader) (*Set, error) {
	if len(files) < 1 || len(files) > 2 {
		return nil, fmt.Errorf("reading FEBRL files: %d files, want one (dedup) or two (linkage)", len(files))
	}
	s := &Set{Linkage: len(files) == 2}
	for side, f := range files {
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			row := strings.Split(strings.TrimRight(sc.Text(), "\r"), ",")
			if line == 1 && strings.TrimSpace(row[0]) == FebrlHeader[0] {
				continue
			}
			if len(row) != len(FebrlHeader) {
				return nil, fmt.Errorf("reading FEBRL file %d, line %d: %d fields, want %d", side+1, line, len(row), len(FebrlHeader))
			}
			var r febrlRecord
			for i := range r {
				r[i] = strings.TrimSpace(row[i+1])
			}
			id := strings.TrimSpace(row[0])
			parts := strings.Split(id, "-")
			entity, err := strconv.Atoi(parts[min(1, len(parts)-1)])
			if len(parts) < 3 || parts[0] != "rec" || err != nil {
				return nil, fmt.Errorf("reading FEBRL file %d, line %d: record id %q is not rec-N-org or rec-N-dup-K", side+1, line, id)
			}
			s.add(febrlPerson(r), entity, side, "febrl")
			s.Records[len(s.Records)-1].Provenance.LocalID = id
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("reading FEBRL file %d: %w", side+1, err)
		}
	}
	return s, nil
}
