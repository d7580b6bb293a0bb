package match

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
)

// The comparison as written before Features carried derived numbers: the reference the derived comparison must
// agree with, level for level.

func refCompare(a, b *Features) [NumAttributes]Level {
	var c [NumAttributes]Level
	c[AttrSurname] = refSurname(a, b)
	c[AttrGivenNames] = refGiven(a, b)
	if c[AttrSurname] >= SurnameJW80 && c[AttrGivenNames] >= GivenJW80 && refSwapped(a, b) {
		// The given-name evidence is carried by the surname's swapped level.
		c[AttrSurname], c[AttrGivenNames] = SurnameSwapped, LevelMissing
	}
	c[AttrBirthDate] = refBirth(a, b)
	c[AttrBSN] = compareID(a.BSN, b.BSN)
	c[AttrSKN] = compareID(a.SKN, b.SKN)
	c[AttrAddress] = refAddress(a, b)
	c[AttrGender] = compareGender(a.Gender, b.Gender)
	c[AttrOtherID], _ = compareOtherIDs(a, b)
	return c
}

func refSurname(a, b *Features) Level {
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
	written := func(f *Features, used string) string {
		if f.Partner == "" && len(f.SurnameKeys) > 0 {
			return f.SurnameKeys[0]
		}
		return used
	}
	wa, wb := written(a, ka), written(b, kb)
	jw := JaroWinkler(ka, kb)
	switch {
	case jw >= jwHigh:
		return SurnameJW92
	case !oneEditApart(ka, kb) && (wa == wb || oneEditApart(wa, wb)):
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

func refGiven(a, b *Features) Level {
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

func refSwapped(a, b *Features) bool {
	return refSwappedFrom(a, b) || refSwappedFrom(b, a)
}

func refSwappedFrom(a, b *Features) bool {
	if a.FirstName == "" || a.Surname == "" || b.FirstName == "" || b.Surname == "" {
		return false
	}
	firstClose := similar(a.FirstName, b.Surname) || contains(b.SurnameKeys, a.FirstName)
	surnameClose := similar(a.Surname, b.FirstName) || similar(a.Surname, lastWord(b.GivenNames)) ||
		similar(a.Surname, strings.ReplaceAll(b.GivenNames, " ", ""))
	loose := func(x, y string) bool {
		return len(x)-len(y) <= 1 && len(y)-len(x) <= 1 && JaroWinkler(x, y) >= jwSwapLoose
	}
	surnameLoose := loose(a.Surname, b.FirstName) || loose(a.Surname, lastWord(b.GivenNames))
	return firstClose && (surnameClose || surnameLoose)
}

func refBirth(a, b *Features) Level {
	da, db := a.Birth, b.Birth
	if da.IsZero() || db.IsZero() {
		return LevelMissing
	}
	if da.Complete() && db.Complete() {
		switch {
		case da == db:
			return BirthExact
		case refOneEdit(packDate(da), packDate(db)) || da.Month == db.Month && da.Day == db.Day && yearSlip(da.Year, db.Year):
			return BirthOneEdit
		case da.Year == db.Year && da.Month == db.Day && da.Day == db.Month:
			return BirthDayMonthSwapped
		}
		return BirthElse
	}
	if da.Year == db.Year && (da.Month == 0 || db.Month == 0) {
		return BirthSameYear
	}
	if da.Month != 0 && db.Month != 0 && a.BirthFirst <= b.BirthLast && b.BirthFirst <= a.BirthLast {
		return BirthWithinRange
	}
	if da.Year == db.Year {
		return BirthSameYear
	}
	return BirthElse
}

func refOneEdit(x, y int) bool {
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

func refAddress(a, b *Features) Level {
	dutch := func(pc string) bool {
		return len(pc) == 6 && strings.Trim(pc[:4], "0123456789") == "" && strings.Trim(pc[4:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
	}
	sameStreet := func(area bool) bool {
		if area {
			ka, kb := a.Postcode, b.Postcode
			if dutch(ka) {
				ka = ka[:4]
			}
			if dutch(kb) {
				kb = kb[:4]
			}
			area = ka != "" && ka == kb
		}
		if a.Street == "" || b.Street == "" || a.Street != b.Street && !oneEditApart(a.Street, b.Street) &&
			!(area && a.HouseNumber != 0 && a.HouseNumber == b.HouseNumber && JaroWinkler(a.Street, b.Street) >= jwHigh) {
			return false
		}
		return area || a.City == "" || b.City == "" || a.City == b.City || oneEditApart(a.City, b.City) || JaroWinkler(a.City, b.City) >= jwHigh
	}
	if dutch(a.Postcode) && dutch(b.Postcode) {
		switch {
		case a.Postcode == b.Postcode && a.HouseNumber != 0 && a.HouseNumber == b.HouseNumber:
			return AddressExact
		case a.Postcode == b.Postcode:
			return AddressPostcode
		case a.HouseNumber != 0 && a.HouseNumber == b.HouseNumber && sameStreet(false) &&
			(a.City != "" && b.City != "" || oneEditApart(a.Postcode, b.Postcode)):
			return AddressExact
		}
		return AddressElse
	}
	switch {
	case a.Street == "" || b.Street == "":
		return LevelMissing
	case !sameStreet(true):
		return AddressElse
	case a.HouseNumber != 0 && a.HouseNumber == b.HouseNumber:
		return AddressExact
	}
	return AddressPostcode
}

// TestCompareMatchesReference compares the candidate pairs and random pairs of generated data sets, with and
// without BSNs, by Compare and by the reference: the levels must be the same.
func TestCompareMatchesReference(t *testing.T) {
	streets := fromSet("dedup, street addresses", matchtest.StreetAddresses(matchtest.Dedup(25, 1500, false), 1, 0.05, 0.1))
	for _, d := range []*dataset{dedupDataset(21, 1500, true), dedupDataset(22, 1500, false), linkageDataset(23, 1500, true), streets} {
		cands, _ := d.candidates()
		r := rand.New(rand.NewPCG(1, 1))
		for range 20000 {
			cands = append(cands, pair{int32(r.IntN(len(d.features))), int32(r.IntN(len(d.features)))})
		}
		for _, p := range cands {
			a, b := &d.features[p.j], &d.features[p.i]
			if got, want := Compare(a, b).Levels, refCompare(a, b); got != want {
				t.Fatalf("%s: Compare = %v, the reference %v for\n%+v\n%+v", d.name, got, want, d.records[p.j].Name, d.records[p.i].Name)
			}
		}
	}
}

// TestDeriveIsComplete derives the features of generated records anew, as decoding them does: the result is what
// Prepare made.
func TestDeriveIsComplete(t *testing.T) {
	d := fromSet("dedup, street addresses", matchtest.StreetAddresses(matchtest.Dedup(24, 300, true), 1, 0.05, 0.1))
	for i := range d.features {
		f := d.features[i]
		f.h = derived{}
		f.Derive()
		if !reflect.DeepEqual(f, d.features[i]) {
			t.Fatalf("derived anew:\n%+v\nwant\n%+v", f.h, d.features[i].h)
		}
	}
}

// TestMayReach checks the Jaro-Winkler bound on random keys and on keys one or two typing errors apart: whenever
// the similarity reaches a threshold, the bound must say it may.
func TestMayReach(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "aeiouybcdjklmnrst0"[r.IntN(18)]
		}
		return string(b)
	}
	checked := 0
	for range 200000 {
		a := word(1 + r.IntN(12))
		b := []byte(a)
		for range r.IntN(4) {
			switch i := r.IntN(len(b)); r.IntN(3) {
			case 0:
				b[i] = "aeiouybcdjklmnrst0"[r.IntN(18)]
			case 1:
				b = append(b[:i], b[i+1:]...)
			default:
				b = append(b[:i], append([]byte{'x'}, b[i:]...)...)
			}
			if len(b) == 0 {
				b = []byte("q")
			}
		}
		if r.IntN(3) == 0 {
			b = []byte(word(1 + r.IntN(12)))
		}
		for _, th := range []float64{jwLow, jwHigh} {
			jw := JaroWinkler(a, string(b))
			if jw >= th {
				checked++
				if !mayReach(a, len(b), letterMask(a), letterMask(string(b)), th) {
					t.Fatalf("mayReach(%q, %q, %.2f) = false, Jaro-Winkler is %.4f", a, b, th, jw)
				}
			}
		}
	}
	if checked < 10000 {
		t.Fatalf("only %d pairs reached a threshold", checked)
	}
}
