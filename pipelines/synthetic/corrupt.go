package synthetic

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// view is how one source records one person in one record: the truth, written the source's way and corrupted
// as real registrations are. Empty strings and zero values mean the source left the field out.
type view struct {
	given    string // voornamen as written
	initials string // voorletters, "J.P."
	prefix   string // voorvoegsel
	sur      string // geslachtsnaam (or the used name, when the source wrote that)
	birth    date
	hasBirth bool
	gender   byte
	bsn      string

	// Partner name fields, for sources that keep them (GCOS, StUF-BG).
	naamgebruik byte
	pPrefix     string
	pSur        string

	hasAddr bool
	street  string
	number  int
	letter  string
	toev    string
	pc      string
	city    string
}

// profile is what a source records and how carefully: the share of records with each field missing or written
// another way. The error rates (typos, swaps, dates) are the same for every source but StUF-BG, the authority,
// which has none; see doc.go.
type profile struct {
	clean        bool    // StUF-BG: the truth, unchanged
	fullGiven    float64 // share writing all voornamen, else only the roepnaam
	bsnMissing   float64 // share without a BSN
	usedName     float64 // for persons using their partner's name: share recording the used name as surname
	partnerField bool    // the source has naamgebruik and partner name fields
	abbrevPrefix float64 // share abbreviating the voorvoegsel (v.d., vd, v/d)
	abbrevStyle  []string
	addrMissing  float64
}

// Corruption rates per person appearance, documented in doc.go.
const (
	rateTypoSurname     = 0.03
	rateTypoGiven       = 0.03
	rateTransposition   = 0.015
	rateSwapNames       = 0.01
	rateDropDiacritics  = 0.30
	ratePrefixInSurname = 0.02
	rateMissingBirth    = 0.02
	rateMissingGiven    = 0.015
	rateMissingGender   = 0.01
	rateDayMonthSwap    = 0.01
	ratePartialDate     = 0.015
	rateDateTypo        = 0.01
	rateWrongBSN        = 0.005
	rateOtherPersonBSN  = 0.2 // of the wrong BSNs: another person's valid BSN instead of a typing error
	rateStrayPartner    = 0.005
)

// observe is the package's observe under the generator's options: without BSNs when Options.NoBSN is set. The
// random draws are the same either way, so a data set without BSNs holds the same persons and records.
func (g *generator) observe(r *rand.Rand, p *person, pr *profile, other *person) view {
	v := observe(r, p, pr, other)
	if g.opt.NoBSN {
		v.bsn = ""
	}
	return v
}

// observe returns how a source with profile pr records person p. other is a person whose BSN a mix-up may put
// on p (a housemate), nil when there is none.
func observe(r *rand.Rand, p *person, pr *profile, other *person) view {
	h := p.hh
	v := view{
		given: strings.Join(p.given, " "), prefix: p.sur.prefix, sur: p.sur.name,
		birth: p.birth, hasBirth: true, gender: p.gender, bsn: p.bsn(), naamgebruik: p.naamgebruik,
		hasAddr: true, street: h.street, number: h.number, letter: h.letter, toev: h.toev, pc: h.pc, city: h.place.name,
	}
	if p.partner != nil {
		v.pPrefix, v.pSur = p.partner.sur.prefix, p.partner.sur.name
	}
	v.initials = initials(p.given)
	if pr.clean {
		return v
	}
	if !pr.partnerField {
		v.naamgebruik, v.pPrefix, v.pSur = 0, "", ""
	}
	if r.Float64() >= pr.fullGiven {
		v.given = p.given[0]
	}
	// Name use: a source without partner fields often writes the name the person goes by.
	if p.partner != nil && p.naamgebruik != 'E' && r.Float64() < pr.usedName {
		own := joinName(p.sur.prefix, p.sur.name)
		switch p.naamgebruik {
		case 'P':
			v.prefix, v.sur = p.partner.sur.prefix, p.partner.sur.name
		case 'V':
			v.prefix, v.sur = p.partner.sur.prefix, p.partner.sur.name+"-"+own
		case 'N':
			v.sur = p.sur.name + "-" + joinName(p.partner.sur.prefix, p.partner.sur.name)
		}
	} else if p.partner != nil && r.Float64() < rateStrayPartner {
		v.prefix, v.sur = p.partner.sur.prefix, p.partner.sur.name
	}
	if v.prefix != "" {
		switch x := r.Float64(); {
		case x < ratePrefixInSurname/2:
			v.sur, v.prefix = v.prefix+" "+v.sur, "" // "van der Meijden" in the surname field
		case x < ratePrefixInSurname:
			v.sur, v.prefix = glue(v.prefix, v.sur), "" // "Vandermeijden"
		case x < ratePrefixInSurname+pr.abbrevPrefix && len(pr.abbrevStyle) > 0:
			v.prefix = abbreviate(v.prefix, pr.abbrevStyle[r.IntN(len(pr.abbrevStyle))])
		}
	}
	if hasDiacritics(v.given+v.sur) && r.Float64() < rateDropDiacritics {
		v.given, v.sur = fold(v.given), fold(v.sur)
	}
	if r.Float64() < rateTypoSurname {
		v.sur = typo(r, v.sur)
	}
	if r.Float64() < rateTypoGiven {
		v.given = typo(r, v.given)
	}
	if r.Float64() < rateTransposition {
		if r.IntN(2) == 0 {
			v.sur = transpose(r, v.sur)
		} else {
			v.given = transpose(r, v.given)
		}
	}
	if r.Float64() < rateSwapNames && v.prefix == "" {
		v.given, v.sur = v.sur, v.given
	}
	if r.Float64() < rateMissingGiven {
		v.given, v.initials = "", ""
	}
	if r.Float64() < rateMissingGender {
		v.gender = 0
	}
	switch x := r.Float64(); {
	case x < rateMissingBirth:
		v.hasBirth = false
	case x < rateMissingBirth+ratePartialDate:
		v.birth.m, v.birth.d = 0, 0
	case x < rateMissingBirth+ratePartialDate+rateDayMonthSwap:
		if v.birth.d >= 1 && v.birth.d <= 12 && v.birth.m != 0 {
			v.birth.d, v.birth.m = v.birth.m, v.birth.d
		}
	case x < rateMissingBirth+ratePartialDate+rateDayMonthSwap+rateDateTypo:
		v.birth = dateTypo(r, v.birth)
	}
	switch x := r.Float64(); {
	case x < pr.bsnMissing:
		v.bsn = ""
	case x < pr.bsnMissing+rateWrongBSN:
		if other != nil && r.Float64() < rateOtherPersonBSN {
			v.bsn = other.bsn()
		} else {
			v.bsn = breakBSN(r, v.bsn)
		}
	}
	if r.Float64() < pr.addrMissing {
		v.hasAddr = false
	}
	if v.sur == "" { // every source requires a surname
		v.sur = p.sur.name
	}
	return v
}

func joinName(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + " " + name
}

// glue writes a voorvoegsel into the surname without spaces, as some systems do: "Vandermeijden", "Deboer".
func glue(prefix, name string) string {
	s := strings.ReplaceAll(strings.ReplaceAll(prefix, " ", ""), "'", "") + strings.ToLower(name)
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// abbreviate shortens a voorvoegsel in a style: "v.d." writes "van der" and "van den" as v.d., "vd" as vd,
// "v/d" as v/d; a lone "van" becomes "v." or "v".
func abbreviate(prefix, style string) string {
	words := strings.Fields(prefix)
	if len(words) == 0 || words[0] != "van" {
		return prefix
	}
	if len(words) == 1 {
		if style == "v.d." {
			return "v."
		}
		return "v"
	}
	second := words[1][:1]
	if second == "'" {
		return prefix
	}
	switch style {
	case "vd":
		return "v" + second
	case "v/d":
		return "v/" + second
	}
	return "v." + second + "."
}

func initials(given []string) string {
	var b strings.Builder
	for _, g := range given {
		r, _ := utf8.DecodeRuneInString(g)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteByte('.')
	}
	return b.String()
}

// keyboard holds each letter's neighbours on a QWERTY keyboard, for typing errors.
var keyboard = map[byte]string{
	'q': "wa", 'w': "qes", 'e': "wrd", 'r': "etf", 't': "ryg", 'y': "tuh", 'u': "yij", 'i': "uok", 'o': "ipl",
	'p': "ol", 'a': "qsz", 's': "adwx", 'd': "sfec", 'f': "dgrv", 'g': "fhtb", 'h': "gjyn", 'j': "hkum",
	'k': "jlim", 'l': "ko", 'z': "xas", 'x': "zcs", 'c': "xvd", 'v': "cbf", 'b': "vng", 'n': "bmh", 'm': "nj",
}

// typo replaces one lowercase ASCII letter by a neighbour on the keyboard.
func typo(r *rand.Rand, s string) string {
	var pos []int
	for i := 1; i < len(s); i++ {
		if _, ok := keyboard[s[i]]; ok {
			pos = append(pos, i)
		}
	}
	if len(pos) == 0 {
		return s
	}
	i := pos[r.IntN(len(pos))]
	nb := keyboard[s[i]]
	return s[:i] + string(nb[r.IntN(len(nb))]) + s[i+1:]
}

// transpose swaps two adjacent ASCII letters after the first.
func transpose(r *rand.Rand, s string) string {
	var pos []int
	for i := 1; i+1 < len(s); i++ {
		if isLower(s[i]) && isLower(s[i+1]) && s[i] != s[i+1] {
			pos = append(pos, i)
		}
	}
	if len(pos) == 0 {
		return s
	}
	i := pos[r.IntN(len(pos))]
	return s[:i] + string(s[i+1]) + string(s[i]) + s[i+2:]
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// dateTypo changes one digit's worth of a date: the day or the year off by one or ten.
func dateTypo(r *rand.Rand, d date) date {
	switch r.IntN(3) {
	case 0:
		if d.d > 1 && d.d < 28 {
			d.d += []int{-1, 1}[r.IntN(2)]
		}
	case 1:
		d.y += []int{-1, 1}[r.IntN(2)]
	default:
		d.y += []int{-10, 10}[r.IntN(2)]
	}
	d.y = min(d.y, refYear)
	if d.y == refYear && (d.m > refMonth || (d.m == refMonth && d.d > refDay)) {
		d.y--
	}
	if d.m != 0 {
		d.d = min(d.d, canonical.DaysIn(d.y, d.m)) // 29 February moved to a year without it
	}
	return d
}

func hasDiacritics(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// foldTable holds letters that do not decompose into a base letter and a mark.
var foldTable = map[rune]string{'Ł': "L", 'ł': "l", 'ı': "i", 'ß': "ss", 'Ø': "O", 'ø': "o", 'Æ': "AE", 'æ': "ae"}

// fold drops diacritics: "Çelik" becomes "Celik", "Łukasz" "Lukasz", "Zoë" "Zoe".
func fold(s string) string {
	if !hasDiacritics(s) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case foldTable[r] != "":
			b.WriteString(foldTable[r])
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
