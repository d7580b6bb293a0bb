package match

import (
	"strings"
	"unsafe"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// Attribute is a compared property of a person.
type Attribute uint8

// The compared attributes.
const (
	AttrSurname Attribute = iota
	AttrGivenNames
	AttrBirthDate
	AttrBSN
	AttrSKN
	AttrAddress
	AttrGender
	// AttrOtherID is an identifier other than the BSN and the SKN, of one kind (see Features.OtherIDs).
	AttrOtherID
	// NumAttributes is the number of compared attributes.
	NumAttributes
)

// Level is how well two persons agree on an attribute. Level 0 (LevelMissing) means at least one of them lacks
// the attribute; it contributes no weight. The other levels of an attribute run from the strongest agreement to
// LevelElse-like disagreement, in the order of the attribute's level names.
type Level uint8

// LevelMissing is the level of an attribute that one of the two persons lacks.
const LevelMissing Level = 0

// Surname levels. Name usage means one person's surname is among the names the other may be registered under
// (partner or combined name per naamgebruik); swapped means given name and surname were exchanged.
const (
	SurnameExact Level = iota + 1
	SurnameNameUsage
	SurnameSwapped
	SurnameJW92
	SurnamePhonetic
	SurnameJW80
	SurnameElse
)

// Given-name levels. Several exact means two or more voornamen, all equal: far rarer by chance than one. Name in
// common means a voornaam other than the first appears in both. Initials means one of the two has only voorletters
// and they agree; first letter means both have voornamen, the first names differ but begin with the same letter
// (siblings often do; a typing error is at jw-0.80 or above).
const (
	GivenExactSeveral Level = iota + 1
	GivenExact
	GivenFirstExact
	GivenJW92
	GivenNameInCommon
	GivenJW80
	GivenInitials
	GivenFirstLetter
	GivenElse
)

// Birth-date levels. One edit is one digit changed or two adjacent digits exchanged in YYYYMMDD, or the year off
// by one or ten with day and month equal (a typing error across a carry: 1989 for 1990); within range means a
// date of year and month whose month holds (or overlaps) the other; year only a date of which only the year is
// known in the other's year, or a year and month of the other's year outside its month (1990-03 against
// 1990-07-12). Two complete dates that disagree beyond a typing error are else, also within one year.
const (
	BirthExact Level = iota + 1
	BirthOneEdit
	BirthDayMonthSwapped
	BirthWithinRange
	BirthSameYear
	BirthElse
)

// Identifier levels, for the BSN (valid ones only) and the SKN.
const (
	IDEqual Level = iota + 1
	IDDifferent
)

// Other-identifier levels: an identifier of one kind equal, one typing error apart (one character changed, added or
// dropped, two exchanged), two typing errors apart (a partner's own numbers of at least minTwoEditsLength
// characters, not a few apart), or different.
const (
	OtherIDEqual Level = iota + 1
	OtherIDOneEdit
	OtherIDTwoEdits
	OtherIDDifferent
)

// Address levels.
const (
	AddressExact    Level = iota + 1 // same postcode, or street and place, and house number
	AddressPostcode                  // same postcode, or street and place
	AddressElse
)

// Gender levels.
const (
	GenderEqual Level = iota + 1
	GenderDifferent
)

// attributeNames are the names of the attributes in configuration and evidence.
var attributeNames = [NumAttributes]string{
	AttrSurname:    "surname",
	AttrGivenNames: "givenNames",
	AttrBirthDate:  "birthDate",
	AttrBSN:        "bsn",
	AttrSKN:        "skn",
	AttrAddress:    "address",
	AttrGender:     "gender",
	AttrOtherID:    "otherId",
}

// levelNames are the names of each attribute's levels in configuration and evidence, index = Level.
var levelNames = [NumAttributes][]string{
	AttrSurname: {"missing", "exact", "name-usage", "swapped", "jw-0.92", "phonetic", "jw-0.80", "else"},
	AttrGivenNames: {"missing", "exact-several", "exact", "first-exact", "jw-0.92", "name-in-common", "jw-0.80", "initials",
		"first-letter", "else"},
	AttrBirthDate: {"missing", "exact", "one-edit", "day-month-swapped", "within-range", "same-year", "else"},
	AttrBSN:       {"missing", "equal", "different"},
	AttrSKN:       {"missing", "equal", "different"},
	AttrAddress:   {"missing", "exact", "postcode", "else"},
	AttrGender:    {"missing", "equal", "different"},
	AttrOtherID:   {"missing", "equal", "one-edit", "two-edits", "different"},
}

// maxLevels is the most levels an attribute has, missing included.
const maxLevels = 10

// String returns the attribute's name as configuration and evidence write it.
func (a Attribute) String() string {
	if a < NumAttributes {
		return attributeNames[a]
	}
	return "unknown"
}

// Levels returns the names of the attribute's levels, index = Level.
func (a Attribute) Levels() []string {
	if a < NumAttributes {
		return levelNames[a]
	}
	return nil
}

// LevelName returns the name of level l of the attribute.
func (a Attribute) LevelName(l Level) string {
	if names := a.Levels(); int(l) < len(names) {
		return names[l]
	}
	return "unknown"
}

// Comparison is how two persons compare: the level of each attribute and, for a name they agree on exactly, how
// common that name is.
type Comparison struct {
	// Levels holds the level of each attribute.
	Levels [NumAttributes]Level
	// Frequency holds, for the surname at its exact level and the given names at their exact, exact-several
	// and first-exact levels, the frequency shift of the name agreed on (see Frequencies), from the first
	// record's Frequencies; 0 for the other attributes and levels.
	Frequency [NumAttributes]float32
	// IndexRecords is the size of the index the first record is resolved against (Frequencies.IndexRecords).
	IndexRecords int64
	// GivenNamesAlike is set when the given names are at the jw-0.80 level only because the first names look
	// alike: neither one typing error apart nor of one phonetic key, two names rather than one mistyped
	// (Johannes and Jan, Hendrik and Henk). It does not change the score; a hard rule reads it.
	GivenNamesAlike bool
	// RareNames is set when surname and first name agree exactly and the index is not expected to hold a namesake
	// of the first record: the counts of the two names make fewer than namesakesExpected other records bear both
	// (Frequencies.Namesakes). It does not change the score; a hard rule reads it.
	RareNames bool
	// IDNeighbours is set when the other identifiers are at the one-edit level only through numbers a few apart
	// (see compareOtherIDs). It does not change the score; the hard rules read it.
	IDNeighbours bool
}

// namesakesExpected is how many namesakes (other records bearing a record's surname and first name) an index must
// be expected to hold before a namesake born in the same year explains a nearly agreeing birth date as well as a
// typing error does (see RuleNearBirthDate).
const namesakesExpected = 0.5

// Similarity thresholds of the Jaro-Winkler levels.
const (
	jwHigh = 0.92
	jwLow  = 0.80
)

// jwSwapLoose is the similarity at which the looser of the two pairs of names exchanged between given name and
// surname still counts, for names of about one length (see swapped, looselyAlike): Sophie and Sofie reach it,
// Maria and Mark do not.
const jwSwapLoose = 0.85

// Compare compares two persons attribute by attribute. The first is the record being resolved: its Frequencies
// go into the comparison. It neither folds nor allocates, and of the second person it reads mostly the numbers
// Prepare derived: the bytes of its names only where those cannot tell the level.
func Compare(a, b *Features) Comparison {
	c := Comparison{IndexRecords: a.Frequencies.IndexRecords}
	l := &c.Levels
	l[AttrSurname] = compareSurname(a, b)
	l[AttrGivenNames] = compareGiven(a, b)
	if l[AttrSurname] >= SurnameJW80 && l[AttrGivenNames] >= GivenJW80 && swapped(a, b) {
		// The given-name evidence is carried by the surname's swapped level.
		l[AttrSurname], l[AttrGivenNames] = SurnameSwapped, LevelMissing
	}
	if l[AttrGivenNames] == GivenJW80 {
		c.GivenNamesAlike = !sameFirstNameSound(a, b) && !(oneEditLen(a.h.firstLen, b.h.firstLen) && oneEditApart(a.FirstName, b.FirstName))
	}
	l[AttrBirthDate] = compareBirth(a, b)
	l[AttrBSN] = compareBSN(a, b)
	l[AttrSKN] = compareID(a.SKN, b.SKN)
	l[AttrAddress] = compareAddress(a, b)
	l[AttrGender] = compareGender(a.h.gender, b.h.gender)
	if a.h.otherIDs != 0 && b.h.otherIDs != 0 {
		l[AttrOtherID], c.IDNeighbours = compareOtherIDs(a, b)
	}
	switch l[AttrSurname] {
	case SurnameExact:
		c.Frequency[AttrSurname] = a.Frequencies.Surname
	}
	switch l[AttrGivenNames] {
	case GivenExact, GivenExactSeveral:
		c.Frequency[AttrGivenNames] = a.Frequencies.GivenNames
	case GivenFirstExact:
		c.Frequency[AttrGivenNames] = a.Frequencies.FirstName
	}
	if l[AttrSurname] == SurnameExact && (l[AttrGivenNames] == GivenExact || l[AttrGivenNames] == GivenExactSeveral ||
		l[AttrGivenNames] == GivenFirstExact) && a.Frequencies.IndexRecords > 0 {
		c.RareNames = a.Frequencies.Namesakes < namesakesExpected
	}
	return c
}

// usedSurname is the surname to compare by similarity: the own one, or the partner's when only that is known.
func usedSurname(f *Features) (key, phonetic string) {
	if f.Surname != "" {
		return f.Surname, f.SurnamePhonetic
	}
	return f.Partner, f.PartnerPhonetic
}

// compareSurname compares own surnames, then every name either person may be registered under.
func compareSurname(a, b *Features) Level {
	if a.h.used == 0 || b.h.used == 0 {
		return LevelMissing
	}
	if a.h.used == b.h.used {
		return SurnameExact
	}
	ka, _ := usedSurname(a)
	if hasKey(b, uint32(a.h.used), ka) || hasAnyKey(a, b) ||
		(a.h.partner != 0 && hasKey(b, a.h.partner, a.Partner) && !(b.h.partner == a.h.partner && b.Partner == a.Partner)) ||
		(b.h.partner != 0 && hasKey(a, b.h.partner, b.Partner) && !(a.h.partner == b.h.partner && a.Partner == b.Partner)) {
		return SurnameNameUsage
	}
	jw := 0.0
	if mayReach(ka, int(b.h.usedLen), a.h.usedMask, b.h.usedMask, jwLow) {
		jw = jaroWinklerKeys(ka, usedKey(b), a.h.usedMask|b.h.usedMask)
	}
	switch {
	case jw >= jwHigh:
		return SurnameJW92
	case (a.h.prefixed || b.h.prefixed) && writtenAlike(a, b):
		return SurnameJW92
	case a.h.usedPhonetic != 0 && a.h.usedPhonetic == b.h.usedPhonetic && samePhonetic(a, b):
		return SurnamePhonetic
	case jw >= jwLow || oneEditLen(a.h.usedLen, b.h.usedLen) && oneEditApart(ka, usedKey(b)):
		// Jaro-Winkler finds no transposition in names of three letters or fewer ("bos", "bso"): one typing
		// error counts as a weak agreement whatever the length.
		return SurnameJW80
	}
	return SurnameElse
}

// writtenAlike reports whether the own surnames of a and b, written out with their voorvoegsels, are equal or one
// typing error apart where the surnames without them are not: a typing error in a voorvoegsel, or one that made or
// unmade a voorvoegsel ("van de Ven" and "vanm de Ven", "op den Akker" and "op dedn Akker", "de Vos" and "Devod").
// Written out, the surnames are compared only so: the voorvoegsels they share make others look alike to
// Jaro-Winkler ("van den Heuvel" and "van den Hoven").
func writtenAlike(a, b *Features) bool {
	ka, kb := usedKey(a), usedKey(b)
	if oneEditLen(a.h.usedLen, b.h.usedLen) && oneEditApart(ka, kb) {
		return false // the surnames without voorvoegsel tell
	}
	wa, wb := writtenKey(a), writtenKey(b)
	return wa == wb || oneEditLen(clampLen(wa), clampLen(wb)) && oneEditApart(wa, wb)
}

// writtenKey is the key of the own surname with its voorvoegsel, for a person without a partner's name (the first
// of SurnameKeys); the used surname's key otherwise.
func writtenKey(f *Features) string {
	if f.h.prefixed {
		return f.SurnameKeys[0]
	}
	return usedKey(f)
}

// usedKey is usedSurname's key.
func usedKey(f *Features) string {
	k, _ := usedSurname(f)
	return k
}

// samePhonetic reports whether the used surnames of a and b have one phonetic key.
func samePhonetic(a, b *Features) bool {
	_, pa := usedSurname(a)
	_, pb := usedSurname(b)
	return pa == pb
}

// oneEditLen reports whether keys of these lengths may be one typing error apart.
func oneEditLen(x, y uint8) bool {
	return x <= y+1 && y <= x+1
}

// hasKey reports whether k, whose hash folded to 32 bits is h, is among the SurnameKeys of f.
func hasKey(f *Features, h uint32, k string) bool {
	return f.h.keyBits&(1<<(h%64)) != 0 && contains(f.SurnameKeys, k)
}

// hasAnyKey reports whether b's used surname is among the SurnameKeys of a.
func hasAnyKey(a, b *Features) bool {
	return hasKey(a, uint32(b.h.used), usedKey(b))
}

// mayReach reports whether the Jaro-Winkler similarity of the key a and a key of length lb, with letter masks ma
// and mb, may reach t (at least 0.8): false only when it certainly stays below, which it tells from the lengths
// and the letters of a that the other key lacks, without reading that key. Jaro counts m matching letters; a
// letter of a absent from b matches nothing, so m ≤ min(|a| − absent, |b|) and Jaro ≤ (m/|a| + m/|b| + 1)/3.
// Below Jaro 0.7 there is no prefix boost, and the boost of at most four letters lifts Jaro j to at most
// j + 0.4(1 − j). A key of 255 bytes or more, or with bytes other than a-z and 0-9, is not bounded.
func mayReach(a string, lb int, ma, mb uint32, t float64) bool {
	if (ma|mb)&nonASCII != 0 || a == "" || lb == 0 || len(a) >= 255 || lb >= 255 {
		return true
	}
	m := len(a)
	if mb != ma {
		for i := 0; i < len(a); i++ {
			c := a[i]
			bit := uint32(1 << 26)
			if c >= 'a' {
				bit = 1 << (c - 'a')
			}
			if mb&bit == 0 {
				m--
			}
		}
	}
	m = min(m, lb)
	jaroMax := (float64(m)/float64(len(a)) + float64(m)/float64(lb) + 1) / 3
	need := max(jwBoostThreshold, (t-jwMaxPrefix*jwPrefixScale)/(1-jwMaxPrefix*jwPrefixScale))
	return jaroMax >= need-1e-9
}

// jaroWinklerKeys is JaroWinkler of two keys whose letter masks together are masks: on their bytes when both are
// ASCII and short enough.
func jaroWinklerKeys(a, b string, masks uint32) float64 {
	if masks&nonASCII != 0 || len(a) > jwStackRunes || len(b) > jwStackRunes || a == "" || b == "" {
		return JaroWinkler(a, b)
	}
	return jaroWinklerASCII(a, b)
}

// contains reports whether keys holds k.
func contains(keys []string, k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// compareGiven compares voornamen, falling back to initials when one side has only those.
func compareGiven(a, b *Features) Level {
	if a.h.given == 0 || b.h.given == 0 {
		if a.Initials == "" || b.Initials == "" {
			return LevelMissing
		}
		if initialsAgree(a.Initials, b.Initials) {
			return GivenInitials
		}
		return GivenElse
	}
	switch {
	case a.h.given == b.h.given:
		if len(a.FirstName) < len(a.GivenNames) {
			return GivenExactSeveral
		}
		return GivenExact
	case a.h.first == b.h.first:
		return GivenFirstExact
	}
	jw := 0.0
	if mayReach(a.FirstName, int(b.h.firstLen), a.h.firstMask, b.h.firstMask, jwLow) {
		jw = jaroWinklerKeys(a.FirstName, b.FirstName, a.h.firstMask|b.h.firstMask)
	}
	switch {
	case jw >= jwHigh:
		return GivenJW92
	case (len(a.FirstName) < len(a.GivenNames) || b.h.firstLen < b.h.givenLen) && nameInCommon(a.GivenNames, b.GivenNames):
		// With one voornaam each, the only name in common would be the first, which differs.
		return GivenNameInCommon
	case jw >= jwLow || sameFirstNameSound(a, b) ||
		oneEditLen(a.h.firstLen, b.h.firstLen) && oneEditApart(a.FirstName, b.FirstName):
		return GivenJW80
	case a.h.firstByte == b.h.firstByte:
		return GivenFirstLetter
	}
	return GivenElse
}

// sameFirstNameSound reports whether the first given names of a and b have one phonetic key.
func sameFirstNameSound(a, b *Features) bool {
	return a.h.firstPhonetic != 0 && a.h.firstPhonetic == b.h.firstPhonetic && a.FirstNamePhonetic == b.FirstNamePhonetic
}

// initialsAgree reports whether two sets of voorletters can belong to one person: the first letters are equal
// and one set begins with the other ("jp" and "j" agree, "jp" and "jw" do not).
func initialsAgree(a, b string) bool {
	if a == "" || b == "" || a[0] != b[0] {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return b[:len(a)] == a
}

// nameInCommon reports whether the space-separated voornamen a and b share a name.
func nameInCommon(a, b string) bool {
	for a != "" {
		var w string
		if i := indexSpace(a); i >= 0 {
			w, a = a[:i], a[i+1:]
		} else {
			w, a = a, ""
		}
		for rest := b; rest != ""; {
			var v string
			if i := indexSpace(rest); i >= 0 {
				v, rest = rest[:i], rest[i+1:]
			} else {
				v, rest = rest, ""
			}
			if v == w && len(w) > 1 {
				return true
			}
		}
	}
	return false
}

// indexSpace returns the index of the first space in s, or -1.
func indexSpace(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return i
		}
	}
	return -1
}

// swapped reports whether given name and surname were exchanged between a and b: one's first name is the
// other's surname (or one of the names it may be registered under: a half of a combined name), and one's
// surname is the other's first given name, or its last when the voorvoegsel went into the given names, or all of
// them written together when the surname has several words ("Ait Ouali") or its voorvoegsel went into the given
// names ("de haan" for "dehaan"). One of the two pairs agrees closely: equal, at high similarity or one typing
// error apart; the other at least loosely (looselyAlike), as a name typed in the wrong field and mistyped as well.
func swapped(a, b *Features) bool {
	return swappedFrom(a, b) || swappedFrom(b, a)
}

// swappedFrom is swapped seen from a.
func swappedFrom(a, b *Features) bool {
	if a.FirstName == "" || a.Surname == "" || b.FirstName == "" || b.Surname == "" {
		return false
	}
	// With an own surname, usedSurname is that surname: its hash, length and mask are the surname's.
	firstClose := a.h.first == b.h.used ||
		mayReach(a.FirstName, int(b.h.usedLen), a.h.firstMask, b.h.usedMask, jwHigh) && JaroWinkler(a.FirstName, b.Surname) >= jwHigh ||
		oneEditLen(a.h.firstLen, b.h.usedLen) && oneEditApart(a.FirstName, b.Surname) ||
		hasKey(b, uint32(a.h.first), a.FirstName)
	if !firstClose {
		// Swapped with the first name loosely alike is seen from b: its first name close to a's surname.
		return false
	}
	var buf [64]byte
	joined := withoutSpaces(buf[:0], b.GivenNames)
	return similar(a.Surname, b.FirstName) || similar(a.Surname, lastWord(b.GivenNames)) ||
		len(joined) > 0 && similar(a.Surname, unsafe.String(&joined[0], len(joined))) ||
		looselyAlike(a.Surname, b.FirstName) || looselyAlike(a.Surname, lastWord(b.GivenNames))
}

// looselyAlike reports whether two keys of about one length (at most one letter apart) reach jwSwapLoose: a
// name mistyped, not a shorter name that begins the longer one (Jan and Janssen).
func looselyAlike(x, y string) bool {
	d := len(x) - len(y)
	return d >= -1 && d <= 1 && JaroWinkler(x, y) >= jwSwapLoose
}

// withoutSpaces appends the bytes of s but its spaces to dst.
func withoutSpaces(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			dst = append(dst, s[i])
		}
	}
	return dst
}

// lastWord returns the last space-separated word of s.
func lastWord(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return s[i+1:]
		}
	}
	return s
}

// similar reports whether two keys are equal, at least jwHigh similar or one typing error apart.
func similar(x, y string) bool {
	return x == y || JaroWinkler(x, y) >= jwHigh || oneEditApart(x, y)
}

// compareBirth compares birth dates, complete or partial.
func compareBirth(a, b *Features) Level {
	x, y := a.h.birth, b.h.birth
	if x == 0 || y == 0 {
		return LevelMissing
	}
	if complete(x) && complete(y) {
		return compareComplete(x, y)
	}
	if x%10000 == 0 || y%10000 == 0 {
		// A year alone says no more than the year, whatever the other date holds.
		if x/10000 == y/10000 {
			return BirthSameYear
		}
		return BirthElse
	}
	if a.BirthFirst <= b.BirthLast && b.BirthFirst <= a.BirthLast {
		return BirthWithinRange
	}
	if x/10000 == y/10000 {
		return BirthSameYear
	}
	return BirthElse
}

// CompleteBirth returns a birth date as the number YYYYMMDD when it is complete, 0 otherwise.
func CompleteBirth(d canonical.PartialDate) int32 {
	if !d.Complete() {
		return 0
	}
	return int32(packDate(d))
}

// BirthDatesDiffer reports whether two complete birth dates, as CompleteBirth writes them, disagree beyond a typing
// error: the birth-date comparison puts them at its else level, as a parent's and a child's do.
func BirthDatesDiffer(x, y int32) bool {
	return x != 0 && y != 0 && compareComplete(x, y) == BirthElse
}

// complete reports whether a date written as YYYYMMDD has its month and day.
func complete(x int32) bool { return x%100 != 0 && x/100%100 != 0 }

// compareComplete compares two complete birth dates written as YYYYMMDD.
func compareComplete(x, y int32) Level {
	yx, mx, dx := x/10000, x/100%100, x%100
	yy, my, dy := y/10000, y/100%100, y%100
	switch {
	case x == y:
		return BirthExact
	case oneEdit(int(x), int(y)) || mx == my && dx == dy && yearSlip(int(yx), int(yy)):
		return BirthOneEdit
	case yx == yy && mx == dy && dx == my:
		return BirthDayMonthSwapped
	}
	// Two complete dates of one year that no typing error explains are as much a disagreement as dates years
	// apart: siblings, a look-alike, a parent's. Year only is a level for a partial date.
	return BirthElse
}

// packDate writes a complete date as the number YYYYMMDD.
func packDate(d canonical.PartialDate) int {
	return d.Year*10000 + d.Month*100 + d.Day
}

// oneEdit reports whether the eight-digit numbers x and y differ in one digit or by two adjacent digits
// exchanged.
func oneEdit(x, y int) bool {
	diff := 0
	var pos [2]int
	var dx, dy [2]int
	for i := 0; i < 8 && x != y; i++ {
		a, b := x%10, y%10
		if a != b {
			if diff == 2 {
				return false
			}
			pos[diff], dx[diff], dy[diff] = i, a, b
			diff++
		}
		x, y = x/10, y/10
	}
	switch diff {
	case 1:
		return x == y // no difference left beyond eight digits
	case 2:
		return x == y && pos[1] == pos[0]+1 && dx[0] == dy[1] && dx[1] == dy[0]
	}
	return false
}

// yearSlip reports whether two years differ by one or by ten, as a mistyped year across a carry does.
func yearSlip(x, y int) bool {
	d := x - y
	return d == 1 || d == -1 || d == 10 || d == -10
}

// oneEditApart reports whether a and b differ by one typing error: one byte changed, added or dropped, or two
// adjacent bytes exchanged. Keys are folded to ASCII letters mostly, so bytes stand for letters.
func oneEditApart(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return false // equal
		}
		if a[i+1:] == b[i+1:] {
			return true // one changed
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(b) && a[i] == b[i] {
			i++
		}
		return a[i+1:] == b[i:]
	}
	return false
}

// compareBSN compares valid BSNs, as numbers.
func compareBSN(a, b *Features) Level {
	switch {
	case a.h.bsn == 0 || b.h.bsn == 0:
		return LevelMissing
	case a.h.bsn == b.h.bsn && (a.h.bsn != bsnOther || a.BSN == b.BSN):
		return IDEqual
	}
	return IDDifferent
}

// compareID compares two identifiers of one scheme.
func compareID(a, b string) Level {
	switch {
	case a == "" || b == "":
		return LevelMissing
	case a == b:
		return IDEqual
	}
	return IDDifferent
}

// compareAddress compares addresses. Where both have a Dutch postcode: the same postcode and house number are
// exact, the same postcode alone is postcode, and another postcode is else unless street, house number and place
// agree, or street and house number with postcodes one typing error apart (a mistyped postcode). Where one has none (an address abroad, a partner that records no postcode), the
// street and place stand in for the postcode: the same street (one typing error allowed) in the same place, or
// with the place unknown on one side, with the same house number is exact, with another or an unknown one
// postcode (the same street, as the same postcode is a part of one); another street or another place is else.
// Without a postcode on both sides or a street on both, the addresses are missing.
func compareAddress(a, b *Features) Level {
	if a.h.postcode != 0 && b.h.postcode != 0 {
		switch {
		case a.h.postcode == b.h.postcode:
			if a.h.house != 0 && a.h.house == b.h.house {
				return AddressExact
			}
			return AddressPostcode
		case a.h.house != 0 && a.h.house == b.h.house && sameStreet(a, b, false) &&
			(a.h.city != 0 && b.h.city != 0 || oneEditApart(a.Postcode, b.Postcode)):
			// Another postcode at one street and number in one place, or a postcode one typing error off: the
			// postcode is mistyped. With a place unknown, a street of the same name elsewhere would look alike.
			return AddressExact
		}
		return AddressElse
	}
	if a.h.street == 0 || b.h.street == 0 {
		return LevelMissing
	}
	if !sameStreet(a, b, true) {
		return AddressElse
	}
	if a.h.house != 0 && a.h.house == b.h.house {
		return AddressExact
	}
	return AddressPostcode
}

// sameStreet reports whether a and b name one street in one place: their street keys are equal or one typing
// error apart, and their places equal, one typing error apart or at high similarity (a place name mistyped twice,
// "Groniengem"), or one place is unknown. Streets are held to one typing error: Beukenlaan and Berkenlaan are
// two streets of one town. With area, for addresses without Dutch postcodes on both sides, a postcode of one
// area on both sides (see Features.Postcode) stands for the place, and with the same house number there, street
// keys at high similarity are one street mistyped twice ("Kloostdtslaan 143" and "Kloosterslaan 143").
func sameStreet(a, b *Features, area bool) bool {
	if a.h.street == 0 || b.h.street == 0 {
		return false
	}
	area = area && a.h.area != 0 && a.h.area == b.h.area
	if a.h.street != b.h.street && !(oneEditLen(clampLen(a.Street), clampLen(b.Street)) && oneEditApart(a.Street, b.Street)) &&
		!(area && a.h.house != 0 && a.h.house == b.h.house && JaroWinkler(a.Street, b.Street) >= jwHigh) {
		return false
	}
	return area || a.h.city == 0 || b.h.city == 0 || a.h.city == b.h.city ||
		oneEditLen(clampLen(a.City), clampLen(b.City)) && oneEditApart(a.City, b.City) ||
		JaroWinkler(a.City, b.City) >= jwHigh
}

// compareOtherIDs compares the other identifiers of a and b kind by kind and returns the best agreement of a kind
// both hold; missing when they hold none of one kind. Of numbers one typing error apart it also says whether every
// such pair is one of neighbours, numbers a few apart (see numbersClose), as a partner issues them one after the
// other (to the members of a family registered together) as often as a typing error makes them. A partner's own
// numbers two typing errors apart are two-edits when long enough for a random other number to be that close rarely,
// and not a few apart in their last three digits (a family registered on one day); a-nummers, copied by machine
// from the BRP, are not.
func compareOtherIDs(a, b *Features) (level Level, neighbours bool) {
	best := LevelMissing
	neighbours = true
	for _, x := range a.OtherIDs {
		kx, vx, _ := strings.Cut(x, "\x00")
		for _, y := range b.OtherIDs {
			ky, vy, _ := strings.Cut(y, "\x00")
			if kx != ky {
				continue
			}
			l := OtherIDDifferent
			switch {
			case vx == vy:
				return OtherIDEqual, false
			case oneEditLen(clampLen(vx), clampLen(vy)) && oneEditApart(vx, vy):
				l = OtherIDOneEdit
				neighbours = neighbours && numbersClose(vx, vy, 2, 10)
			case strings.HasPrefix(kx, "local:") && min(len(vx), len(vy)) >= minTwoEditsLength && twoEditsApart(vx, vy) &&
				!numbersClose(vx, vy, 3, 100):
				l = OtherIDTwoEdits
			}
			if best == LevelMissing || l < best {
				best = l
			}
		}
	}
	return best, best == OtherIDOneEdit && neighbours
}

// minTwoEditsLength is the length from which other identifiers two typing errors apart are at the two-edits level:
// of two random numbers of seven digits, one pair in five thousand is that close; of six digits, one in seven
// hundred.
const minTwoEditsLength = 7

// twoEditsApart reports whether a and b, not equal, are at most two typing errors apart (see oneEditApart). The
// first bytes in which they differ take part in the first error.
func twoEditsApart(a, b string) bool {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	a, b = a[i:], b[i:]
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	within := func(x, y string) bool { return x == y || oneEditApart(x, y) }
	return len(a) > 0 && len(b) > 0 && within(a[1:], b[1:]) || // changed
		len(a) > 0 && within(a[1:], b) || // dropped from a
		len(b) > 0 && within(a, b[1:]) || // dropped from b
		len(a) > 1 && len(b) > 1 && a[0] == b[1] && a[1] == b[0] && within(a[2:], b[2:]) // exchanged
}

// numbersClose reports whether x and y, of one length, differ only in their last tail characters, digits in each,
// by less than gap: numbers a partner issues a few apart ("C-004711" and "C-004713"), as to the members of a
// family registered together.
func numbersClose(x, y string, tail, gap int) bool {
	if len(x) != len(y) {
		return false
	}
	i := 0
	for i < len(x) && x[i] == y[i] {
		i++
	}
	if i == len(x) || len(x)-i > tail {
		return false
	}
	i = max(i, len(x)-tail)
	nx, ny := 0, 0
	for ; i < len(x); i++ {
		if x[i] < '0' || x[i] > '9' || y[i] < '0' || y[i] > '9' {
			return false
		}
		nx, ny = nx*10+int(x[i]-'0'), ny*10+int(y[i]-'0')
	}
	return nx-ny < gap && ny-nx < gap
}

// compareGender compares genders; unknown is missing.
func compareGender(a, b byte) Level {
	switch {
	case a == 0 || b == 0:
		return LevelMissing
	case a == b:
		return GenderEqual
	}
	return GenderDifferent
}
