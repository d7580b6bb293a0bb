package matchtest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// This file draws sets the way FEBRL's data set generator (dsgen) draws its public benchmark sets: flat records
// of ten text fields (given name, surname, street number, two address lines, place, postcode, state, birth date
// as YYYYMMDD, and a seven-digit personal number), duplicates that each get a few modifications spread over the
// fields by a fixed selection probability, each modification a typing error, a misspelling, a value replaced,
// words split or joined or the field emptied, and given name and surname sometimes exchanged. The values are
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
	// MaxPerField and MaxPerRecord bound the modifications of a duplicate; each gets 1..MaxPerRecord.
	MaxPerField, MaxPerRecord int
}

// FEBRL3 and FEBRL4 have the sizes of the public dedup and linkage sets of those names (2,000 originals with
// 3,000 duplicates, at most five of one, by a Zipf law; 5,000 originals with one duplicate each). The bounds on
// modifications (two a field, five a record) and the chances of each kind of modification above are this
// package's reading of dsgen's defaults, not taken from those sets, which the project does not hold.
var (
	FEBRL3 = FebrlOptions{Originals: 2000, Duplicates: 3000, MaxDuplicates: 5, MaxPerField: 2, MaxPerRecord: 5}
	FEBRL4 = FebrlOptions{Originals: 5000, Duplicates: 5000, MaxDuplicates: 1, MaxPerField: 2, MaxPerRecord: 5}
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

// febrlSelect is the chance that a modification falls on each field (dsgen's select_prob).
var febrlSelect = [numFebrlFields]float64{0.10, 0.15, 0.10, 0.10, 0.10, 0.10, 0.10, 0.05, 0.10, 0.10}

// Modification kinds.
const (
	modIns = iota
	modDel
	modSub
	modTrans
	modMisspell
	modNewValue
	modWordSwap
	modSpaceIns
	modSpaceDel
	modMissing
	numMods
)

// febrlMods are the chances of each kind of modification per field (dsgen's ins_prob, del_prob, sub_prob,
// trans_prob, misspell_prob, val_swap_prob with new_val_prob, wrd_swap_prob, spc_ins_prob, spc_del_prob, miss_prob).
var febrlMods = [numFebrlFields][numMods]float64{
	fGiven:        {0.05, 0.15, 0.35, 0.05, 0.30, 0.04, 0.02, 0.01, 0.01, 0.02},
	fSurname:      {0.10, 0.10, 0.35, 0.04, 0.30, 0.04, 0.02, 0.01, 0.02, 0.02},
	fStreetNumber: {0.10, 0.15, 0.60, 0.05, 0, 0.07, 0.01, 0, 0, 0.02},
	fAddress1:     {0.10, 0.15, 0.55, 0.05, 0, 0.03, 0.03, 0.02, 0.03, 0.04},
	fAddress2:     {0.10, 0.15, 0.55, 0.05, 0, 0.03, 0.03, 0.02, 0.03, 0.04},
	fSuburb:       {0.10, 0.15, 0.25, 0.04, 0.30, 0.07, 0.02, 0.02, 0.01, 0.04},
	fPostcode:     {0, 0, 0.35, 0.60, 0, 0.04, 0, 0, 0, 0.01},
	fState:        {0.05, 0.10, 0.55, 0.02, 0, 0.25, 0, 0, 0, 0.03},
	fBirth:        {0, 0, 0.50, 0.30, 0, 0.14, 0, 0, 0, 0.06},
	fSSID:         {0, 0, 0.50, 0.40, 0, 0.08, 0, 0, 0, 0.02},
}

// febrlOriginalMissing is the chance that an original leaves a field empty.
var febrlOriginalMissing = [numFebrlFields]float64{0.02, 0.01, 0.02, 0.01, 0.6, 0.01, 0.01, 0.02, 0.02, 0}

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

// febrlDuplicate returns a modified copy of r.
func (g *Generator) febrlDuplicate(r febrlRecord, o FebrlOptions) febrlRecord {
	d := r
	for _, s := range febrlFieldSwaps {
		if g.Chance(s.p) {
			d[s.a], d[s.b] = d[s.b], d[s.a]
		}
	}
	var count [numFebrlFields]int
	n := 1 + g.r.IntN(o.MaxPerRecord)
	for range n {
		f := g.febrlField(&count, o.MaxPerField)
		if f < 0 {
			break
		}
		count[f]++
		d[f] = g.febrlModify(f, d[f])
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
	mod := numMods - 1
	for m, p := range febrlMods[f] {
		if x -= p; x < 0 {
			mod = m
			break
		}
	}
	digits := f == fStreetNumber || f == fPostcode || f == fBirth || f == fSSID
	if v == "" && mod != modNewValue {
		return v
	}
	r := []rune(v)
	pos := g.r.IntN(max(len(r), 1))
	switch mod {
	case modIns:
		return string(r[:pos]) + string(g.febrlChar(digits, 0)) + string(r[pos:])
	case modDel:
		if len(r) < 2 {
			return v
		}
		return string(r[:pos]) + string(r[pos+1:])
	case modSub:
		r[pos] = g.febrlChar(digits, r[pos])
		return string(r)
	case modTrans:
		if len(r) < 2 {
			return v
		}
		pos = min(pos, len(r)-2)
		r[pos], r[pos+1] = r[pos+1], r[pos]
		return string(r)
	case modMisspell:
		return g.misspell(v)
	case modNewValue:
		o := g.febrlOriginal()
		for o[f] == "" || o[f] == v {
			o = g.febrlOriginal()
		}
		return o[f]
	case modWordSwap:
		w := strings.Fields(v)
		if len(w) < 2 {
			return v
		}
		w[0], w[1] = w[1], w[0]
		return strings.Join(w, " ")
	case modSpaceIns:
		if pos == 0 {
			return v
		}
		return string(r[:pos]) + " " + string(r[pos:])
	case modSpaceDel:
		return strings.Replace(v, " ", "", 1)
	}
	return ""
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

// misspell replaces one spelling in v by one heard alike; a typing error when none applies.
func (g *Generator) misspell(v string) string {
	start := g.r.IntN(len(misspellings))
	for i := range misspellings {
		m := misspellings[(start+i)%len(misspellings)]
		if j := strings.Index(v[1:], m[0]); j >= 0 {
			j++
			return v[:j] + m[1] + v[j+len(m[0]):]
		}
	}
	return g.typo(v)
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

// zipfCount draws 1..n with chances proportional to 1/k, as dsgen's Zipf distribution of duplicates.
func (g *Generator) zipfCount(n int) int {
	total := 0.0
	for k := 1; k <= n; k++ {
		total += 1 / float64(k)
	}
	x := g.r.Float64() * total
	for k := 1; k <= n; k++ {
		if x -= 1 / float64(k); x < 0 {
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
