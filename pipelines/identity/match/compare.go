package match

import "github.com/ketenpoort/ketenpoort/canonical"

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
// partial date whose range holds (or overlaps) the other.
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

// Address levels.
const (
	AddressExact Level = iota + 1 // same postcode and house number
	AddressPostcode
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

// Comparison holds the level of each attribute for one pair of persons.
type Comparison [NumAttributes]Level

// Similarity thresholds of the Jaro-Winkler levels.
const (
	jwHigh = 0.92
	jwLow  = 0.80
)

// Compare compares two persons attribute by attribute. It neither folds nor allocates.
func Compare(a, b *Features) Comparison {
	var c Comparison
	c[AttrSurname] = compareSurname(a, b)
	c[AttrGivenNames] = compareGiven(a, b)
	if c[AttrSurname] >= SurnameJW80 && c[AttrGivenNames] >= GivenJW80 && swapped(a, b) {
		// The given-name evidence is carried by the surname's swapped level.
		c[AttrSurname], c[AttrGivenNames] = SurnameSwapped, LevelMissing
	}
	c[AttrBirthDate] = compareBirth(a, b)
	c[AttrBSN] = compareID(a.BSN, b.BSN)
	c[AttrSKN] = compareID(a.SKN, b.SKN)
	c[AttrAddress] = compareAddress(a, b)
	c[AttrGender] = compareGender(a.Gender, b.Gender)
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
	ka, pa := usedSurname(a)
	kb, pb := usedSurname(b)
	if ka == "" || kb == "" {
		return LevelMissing
	}
	if ka == kb {
		return SurnameExact
	}
	if contains(b.SurnameKeys, ka) || contains(a.SurnameKeys, kb) ||
		(a.Partner != "" && contains(b.SurnameKeys, a.Partner) && b.Partner != a.Partner) ||
		(b.Partner != "" && contains(a.SurnameKeys, b.Partner) && a.Partner != b.Partner) {
		return SurnameNameUsage
	}
	jw := JaroWinkler(ka, kb)
	switch {
	case jw >= jwHigh:
		return SurnameJW92
	case pa != "" && pa == pb:
		return SurnamePhonetic
	case jw >= jwLow || oneEditApart(ka, kb):
		// Jaro-Winkler finds no transposition in names of three letters or fewer ("bos", "bso"): one typing
		// error counts as a weak agreement whatever the length.
		return SurnameJW80
	}
	return SurnameElse
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
	if a.GivenNames == "" || b.GivenNames == "" {
		if a.Initials == "" || b.Initials == "" {
			return LevelMissing
		}
		if initialsAgree(a.Initials, b.Initials) {
			return GivenInitials
		}
		return GivenElse
	}
	switch {
	case a.GivenNames == b.GivenNames:
		if len(a.FirstName) < len(a.GivenNames) {
			return GivenExactSeveral
		}
		return GivenExact
	case a.FirstName == b.FirstName:
		return GivenFirstExact
	}
	jw := JaroWinkler(a.FirstName, b.FirstName)
	switch {
	case jw >= jwHigh:
		return GivenJW92
	case nameInCommon(a.GivenNames, b.GivenNames):
		return GivenNameInCommon
	case jw >= jwLow || a.FirstNamePhonetic != "" && a.FirstNamePhonetic == b.FirstNamePhonetic ||
		oneEditApart(a.FirstName, b.FirstName):
		return GivenJW80
	case a.FirstName[0] == b.FirstName[0]:
		return GivenFirstLetter
	}
	return GivenElse
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
// other's surname, and one's surname is the other's first (or, when the voorvoegsel went into the given names,
// last) given name, each at high similarity.
func swapped(a, b *Features) bool {
	return swappedFrom(a, b) || swappedFrom(b, a)
}

// swappedFrom is swapped seen from a.
func swappedFrom(a, b *Features) bool {
	if a.FirstName == "" || a.Surname == "" || b.FirstName == "" || b.Surname == "" {
		return false
	}
	return similar(a.FirstName, b.Surname) &&
		(similar(a.Surname, b.FirstName) || similar(a.Surname, lastWord(b.GivenNames)))
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

// similar reports whether two keys are equal or at least jwHigh similar.
func similar(x, y string) bool {
	return x == y || JaroWinkler(x, y) >= jwHigh
}

// compareBirth compares birth dates, complete or partial.
func compareBirth(a, b *Features) Level {
	da, db := a.Birth, b.Birth
	if da.IsZero() || db.IsZero() {
		return LevelMissing
	}
	if da.Complete() && db.Complete() {
		switch {
		case da == db:
			return BirthExact
		case oneEdit(packDate(da), packDate(db)) || da.Month == db.Month && da.Day == db.Day && yearSlip(da.Year, db.Year):
			return BirthOneEdit
		case da.Year == db.Year && da.Month == db.Day && da.Day == db.Month:
			return BirthDayMonthSwapped
		case da.Year == db.Year:
			return BirthSameYear
		}
		return BirthElse
	}
	if a.BirthFirst <= b.BirthLast && b.BirthFirst <= a.BirthLast {
		return BirthWithinRange
	}
	if da.Year == db.Year {
		return BirthSameYear
	}
	return BirthElse
}

// packDate writes a complete date as the number YYYYMMDD.
func packDate(d canonical.PartialDate) int {
	return d.Year*10000 + d.Month*100 + d.Day
}

// oneEdit reports whether the eight-digit numbers x and y differ in one digit or by two adjacent digits
// exchanged.
func oneEdit(x, y int) bool {
	var dx, dy [8]int8
	for i := 7; i >= 0; i-- {
		dx[i], dy[i] = int8(x%10), int8(y%10)
		x, y = x/10, y/10
	}
	diff := 0
	first := -1
	for i := 0; i < 8; i++ {
		if dx[i] != dy[i] {
			if first < 0 {
				first = i
			}
			diff++
		}
	}
	switch diff {
	case 1:
		return true
	case 2:
		i := first
		return i+1 < 8 && dx[i] == dy[i+1] && dx[i+1] == dy[i]
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

// compareAddress compares postcode and house number.
func compareAddress(a, b *Features) Level {
	switch {
	case a.Postcode == "" || b.Postcode == "":
		return LevelMissing
	case a.Postcode != b.Postcode:
		return AddressElse
	case a.HouseNumber != 0 && a.HouseNumber == b.HouseNumber:
		return AddressExact
	}
	return AddressPostcode
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
