package match

import (
	"math/rand/v2"
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
)

func TestCompareSurname(t *testing.T) {
	tests := []struct {
		name string
		a, b canonical.Name
		want Level
	}{
		{"exact", canonical.Name{Surname: "Jansen"}, canonical.Name{Surname: "jansen"}, SurnameExact},
		{"exact without prefix", canonical.Name{SurnamePrefix: "van der", Surname: "Meijden"}, canonical.Name{Surname: "Meyden"}, SurnameExact},
		{"diacritics dropped", canonical.Name{Surname: "Çelik"}, canonical.Name{Surname: "Celik"}, SurnameExact},
		{"partner name used", canonical.Name{Surname: "Vries", SurnamePrefix: "de", PartnerSurname: "Jansen", Usage: canonical.NameUsagePartner},
			canonical.Name{Surname: "Jansen"}, SurnameNameUsage},
		{"combined name used", canonical.Name{Surname: "Vries", SurnamePrefix: "de", PartnerSurname: "Jansen"},
			canonical.Name{Surname: "Jansen-de Vries"}, SurnameNameUsage},
		{"typo", canonical.Name{Surname: "Jansen"}, canonical.Name{Surname: "Jnasen"}, SurnameJW92},
		{"phonetic", canonical.Name{Surname: "Philips"}, canonical.Name{Surname: "Filips"}, SurnamePhonetic},
		{"weak", canonical.Name{Surname: "Bakker"}, canonical.Name{Surname: "Backers"}, SurnameJW80},
		{"short name, letters exchanged", canonical.Name{Surname: "Bos"}, canonical.Name{Surname: "Bso"}, SurnameJW80},
		{"short name, letter changed", canonical.Name{SurnamePrefix: "de", Surname: "Wit"}, canonical.Name{SurnamePrefix: "de", Surname: "Wot"}, SurnameJW80},
		{"voorvoegsel mistyped", canonical.Name{SurnamePrefix: "van de", Surname: "Ven"}, canonical.Name{Surname: "vanm de Ven"}, SurnameJW92},
		{"voorvoegsel mistyped into the name", canonical.Name{Surname: "op den Akker"}, canonical.Name{Surname: "op dedn Akker"}, SurnameJW92},
		{"voorvoegsel written together and a typo", canonical.Name{Surname: "de Vos"}, canonical.Name{Surname: "Devod"}, SurnameJW92},
		{"voorvoegsel partly written together", canonical.Name{Surname: "van der Heijden"}, canonical.Name{Surname: "van derHeijden"}, SurnameJW92},
		{"one voorvoegsel, other names", canonical.Name{Surname: "van den Heuvel"}, canonical.Name{Surname: "van den Hoven"}, SurnameElse},
		{"one voorvoegsel, names one typing error apart", canonical.Name{Surname: "van Dam"}, canonical.Name{Surname: "van Ham"}, SurnameJW80},
		{"different", canonical.Name{Surname: "Jansen"}, canonical.Name{Surname: "Bakker"}, SurnameElse},
		{"missing", canonical.Name{Surname: "Jansen"}, canonical.Name{}, LevelMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantLevel(t, canonical.Person{Name: tt.a}, canonical.Person{Name: tt.b}, AttrSurname, tt.want)
		})
	}
}

// wantLevel checks that a and b compare at level want of attribute at, whichever of them is resolved.
func wantLevel(t *testing.T, a, b canonical.Person, at Attribute, want Level) {
	t.Helper()
	fa, fb := Prepare(a), Prepare(b)
	if got := Compare(&fa, &fb).Levels[at]; got != want {
		t.Errorf("%s level = %s, want %s", at, at.LevelName(got), at.LevelName(want))
	}
	if got := Compare(&fb, &fa).Levels[at]; got != want {
		t.Errorf("reversed: %s level = %s, want %s", at, at.LevelName(got), at.LevelName(want))
	}
}

func TestCompareGivenNames(t *testing.T) {
	tests := []struct {
		name string
		a, b canonical.Name
		want Level
	}{
		{"exact", canonical.Name{GivenNames: "Jan"}, canonical.Name{GivenNames: "jan"}, GivenExact},
		{"several exact", canonical.Name{GivenNames: "Jan Pieter"}, canonical.Name{GivenNames: "jan  pieter"}, GivenExactSeveral},
		{"first exact", canonical.Name{GivenNames: "Jan Pieter"}, canonical.Name{GivenNames: "Jan"}, GivenFirstExact},
		{"typo", canonical.Name{GivenNames: "Johannes"}, canonical.Name{GivenNames: "Johanes"}, GivenJW92},
		{"second name used", canonical.Name{GivenNames: "Johannes Petrus"}, canonical.Name{GivenNames: "Petrus"}, GivenNameInCommon},
		{"weak", canonical.Name{GivenNames: "Marieke"}, canonical.Name{GivenNames: "Mareike"}, GivenJW92},
		{"phonetic", canonical.Name{GivenNames: "Christiaan"}, canonical.Name{GivenNames: "Kristiaan"}, GivenJW80},
		{"initials only", canonical.Name{GivenNames: "Jan Pieter"}, canonical.Name{Initials: "J."}, GivenInitials},
		{"initials disagree", canonical.Name{GivenNames: "Jan Pieter"}, canonical.Name{Initials: "K."}, GivenElse},
		{"short name, one typing error", canonical.Name{GivenNames: "Tim"}, canonical.Name{GivenNames: "Tmi"}, GivenJW80},
		{"sibling, same first letter", canonical.Name{GivenNames: "Sanne"}, canonical.Name{GivenNames: "Sophie"}, GivenFirstLetter},
		{"different", canonical.Name{GivenNames: "Jan"}, canonical.Name{GivenNames: "Kees"}, GivenElse},
		{"missing", canonical.Name{GivenNames: "Jan"}, canonical.Name{}, LevelMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Prepare(canonical.Person{Name: tt.a})
			b := Prepare(canonical.Person{Name: tt.b})
			if got := Compare(&a, &b).Levels[AttrGivenNames]; got != tt.want {
				t.Errorf("given-name level = %s, want %s", AttrGivenNames.LevelName(got), AttrGivenNames.LevelName(tt.want))
			}
		})
	}
}

func TestCompareSwapped(t *testing.T) {
	tests := []struct {
		name    string
		a, b    canonical.Name
		swapped bool
	}{
		{"exchanged", canonical.Name{GivenNames: "Jansen", Surname: "Pieter"}, canonical.Name{GivenNames: "Pieter", Surname: "Jansen"}, true},
		{"surname of two words in the given names", canonical.Name{GivenNames: "Ait Ouali", Surname: "Mehmet"},
			canonical.Name{GivenNames: "Mehmet Ahmed", Surname: "Ait Ouali"}, true},
		{"exchanged and a short surname mistyped", canonical.Name{GivenNames: "Ilse Elisabeth", Surname: "Bso"},
			canonical.Name{GivenNames: "Bos", Surname: "Ilse"}, true},
		{"half of a combined name in the given names", canonical.Name{GivenNames: "Post", Surname: "Shanti"},
			canonical.Name{GivenNames: "Shanti Maria", Surname: "Post-Mulder"}, true},
		{"a first given name that is part of the other's surname only", canonical.Name{GivenNames: "Ait", Surname: "Kaya"},
			canonical.Name{GivenNames: "Mehmet Ahmed", Surname: "Ait Ouali"}, false},
		{"exchanged, and both names mistyped", canonical.Name{GivenNames: "Jansen", Surname: "Sofie"},
			canonical.Name{GivenNames: "Sophie", Surname: "Janssen"}, true},
		{"exchanged, a surname with voorvoegsel written together and mistyped", canonical.Name{GivenNames: "Cornelia", Surname: "Devhaan"},
			canonical.Name{GivenNames: "de Haan", Surname: "Cornelia"}, true},
		{"one name exchanged, the other only loosely alike", canonical.Name{GivenNames: "Jansen", Surname: "Maria"},
			canonical.Name{GivenNames: "Mark", Surname: "Jansen"}, false},
		{"a short name beginning the other's surname", canonical.Name{GivenNames: "Jan", Surname: "Peters"},
			canonical.Name{GivenNames: "Petrus", Surname: "Janssen"}, false},
		{"different persons", canonical.Name{GivenNames: "Jan", Surname: "Bos"}, canonical.Name{GivenNames: "Kees", Surname: "Vos"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Prepare(canonical.Person{Name: tt.a})
			b := Prepare(canonical.Person{Name: tt.b})
			for _, c := range []Comparison{Compare(&a, &b), Compare(&b, &a)} {
				got := c.Levels[AttrSurname] == SurnameSwapped && c.Levels[AttrGivenNames] == LevelMissing
				if got != tt.swapped {
					t.Errorf("surname, given = %s, %s; swapped %v, want %v", AttrSurname.LevelName(c.Levels[AttrSurname]),
						AttrGivenNames.LevelName(c.Levels[AttrGivenNames]), got, tt.swapped)
				}
			}
		})
	}
}

func TestCompareGivenNamesAlike(t *testing.T) {
	tests := []struct {
		a, b  string
		alike bool
	}{
		{"Johannes", "Jan", true},
		{"Hendrik", "Henk", true},
		{"Tim", "Tmi", false},              // one typing error
		{"Christiaan", "Kristiaan", false}, // one name, spelled two ways
		{"Johannes", "Johanes", false},     // jw-0.92
		{"Jan", "Kees", false},             // else
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			a := Prepare(canonical.Person{Name: canonical.Name{GivenNames: tt.a}})
			b := Prepare(canonical.Person{Name: canonical.Name{GivenNames: tt.b}})
			for _, c := range []Comparison{Compare(&a, &b), Compare(&b, &a)} {
				if c.GivenNamesAlike != tt.alike {
					t.Errorf("GivenNamesAlike = %v at level %s, want %v", c.GivenNamesAlike,
						AttrGivenNames.LevelName(c.Levels[AttrGivenNames]), tt.alike)
				}
			}
		})
	}
}

func TestCompareBirthDate(t *testing.T) {
	tests := []struct {
		a, b string
		want Level
	}{
		{"19680512", "19680512", BirthExact},
		{"19680512", "19680513", BirthOneEdit},
		{"19680512", "19860512", BirthOneEdit}, // adjacent digits of the year exchanged
		{"19680512", "19580612", BirthElse},    // two digits changed
		{"19890512", "19900512", BirthOneEdit}, // the year off by one across a carry
		{"19940720", "20040720", BirthOneEdit}, // the year off by ten across a carry
		{"19890512", "19910512", BirthElse},
		{"19680512", "19680521", BirthOneEdit},
		{"19680512", "19681205", BirthDayMonthSwapped},
		{"19680512", "19680000", BirthSameYear}, // a year alone says the year
		{"19680512", "19690000", BirthElse},
		{"19680512", "19680500", BirthWithinRange},
		{"19680500", "19680000", BirthSameYear},
		{"19680512", "19680600", BirthSameYear},
		{"19680512", "19680923", BirthElse}, // complete, of one year, beyond a typing error
		{"19680512", "19700101", BirthElse},
		{"19680512", "", LevelMissing},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			a := Prepare(person("", "", "", tt.a, ""))
			b := Prepare(person("", "", "", tt.b, ""))
			if got := Compare(&a, &b).Levels[AttrBirthDate]; got != tt.want {
				t.Errorf("birth level = %s, want %s", AttrBirthDate.LevelName(got), AttrBirthDate.LevelName(tt.want))
			}
		})
	}
}

func TestCompareIdentifiersAddressGender(t *testing.T) {
	withAddr := func(bsn, pc string, hn int, g canonical.Gender) Features {
		p := person("", "", "", "", bsn)
		p.Gender = g
		if pc != "" {
			p.Addresses = []canonical.Address{{Postcode: pc, HouseNumber: hn}}
		}
		return Prepare(p)
	}
	tests := []struct {
		name string
		a, b Features
		attr Attribute
		want Level
	}{
		{"bsn equal", withAddr("123456782", "", 0, ""), withAddr("123456782", "", 0, ""), AttrBSN, IDEqual},
		{"bsn different", withAddr("123456782", "", 0, ""), withAddr("111222333", "", 0, ""), AttrBSN, IDDifferent},
		{"bsn invalid is missing", withAddr("123456782", "", 0, ""), withAddr("123456789", "", 0, ""), AttrBSN, LevelMissing},
		{"address exact", withAddr("", "1234AB", 12, ""), withAddr("", "1234 ab", 12, ""), AttrAddress, AddressExact},
		{"address postcode", withAddr("", "1234AB", 12, ""), withAddr("", "1234AB", 14, ""), AttrAddress, AddressPostcode},
		{"address else", withAddr("", "1234AB", 12, ""), withAddr("", "5678CD", 12, ""), AttrAddress, AddressElse},
		{"gender different", withAddr("", "", 0, "M"), withAddr("", "", 0, "V"), AttrGender, GenderDifferent},
		{"gender unknown", withAddr("", "", 0, "M"), withAddr("", "", 0, "O"), AttrGender, LevelMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compare(&tt.a, &tt.b).Levels[tt.attr]; got != tt.want {
				t.Errorf("%s level = %s, want %s", tt.attr, tt.attr.LevelName(got), tt.attr.LevelName(tt.want))
			}
		})
	}
}

func TestCompareAllocs(t *testing.T) {
	a := Prepare(person("Jan Pieter", "van der", "Meijden", "19680512", "123456782"))
	b := Prepare(person("Jan", "", "Meyden", "19680521", ""))
	if n := testing.AllocsPerRun(100, func() { _ = Compare(&a, &b) }); n != 0 {
		t.Errorf("Compare allocates %.0f times, want 0", n)
	}
}

func TestOneEditApart(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"bos", "bos", false},
		{"bos", "bso", true},
		{"bos", "vos", true},
		{"bos", "bis", true},
		{"bos", "bo", true},
		{"bos", "boss", true},
		{"bos", "obs", true},
		{"bos", "sob", false},
		{"bos", "b", false},
		{"wit", "wot", true},
		{"", "a", true},
		{"jansen", "jasnen", true},
		{"jansen", "jasnne", false},
	}
	for _, tt := range tests {
		if got := oneEditApart(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEditApart(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := oneEditApart(tt.b, tt.a); got != tt.want {
			t.Errorf("oneEditApart(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestCompareAddress(t *testing.T) {
	type addr = canonical.Address
	home := addr{Postcode: "5611 AB", HouseNumber: 12, Street: "Kerkstraat", City: "Eindhoven"}
	tests := []struct {
		name string
		a, b []addr
		want Level
	}{
		{"same postcode and number", []addr{home}, []addr{{Postcode: "5611AB", HouseNumber: 12}}, AddressExact},
		{"same postcode", []addr{home}, []addr{{Postcode: "5611AB", HouseNumber: 14}}, AddressPostcode},
		{"another postcode", []addr{home}, []addr{{Postcode: "5612AB", HouseNumber: 12}}, AddressElse},
		{"mistyped postcode, same street and number", []addr{home},
			[]addr{{Postcode: "5161AB", HouseNumber: 12, Street: "Kerkstr.", City: "EINDHOVEN"}}, AddressExact},
		{"another postcode, same street name, place unknown", []addr{home},
			[]addr{{Postcode: "5038AB", HouseNumber: 12, Street: "Kerkstraat"}}, AddressElse},
		{"postcode one typing error off, same street, place unknown", []addr{home},
			[]addr{{Postcode: "5612AB", HouseNumber: 12, Street: "Kerkstraat"}}, AddressExact},
		{"another postcode, same street name elsewhere", []addr{home},
			[]addr{{Postcode: "5038AB", HouseNumber: 12, Street: "Kerkstraat", City: "Tilburg"}}, AddressElse},
		{"no postcode: street, number and place", []addr{home},
			[]addr{{HouseNumber: 12, Street: "kerkstraat", City: "Eindhoven"}}, AddressExact},
		{"no postcode: street mistyped, place unknown", []addr{{HouseNumber: 12, Street: "Kerkstraat", City: "Eindhoven"}},
			[]addr{{HouseNumber: 12, Street: "Kekrstraat"}}, AddressExact},
		{"no postcode: same street, another number", []addr{home}, []addr{{HouseNumber: 3, Street: "Kerkstraat", City: "Eindhoven"}}, AddressPostcode},
		{"no postcode: same street in another place", []addr{home}, []addr{{HouseNumber: 12, Street: "Kerkstraat", City: "Helmond"}}, AddressElse},
		{"no postcode: another street", []addr{home}, []addr{{HouseNumber: 12, Street: "Molenweg", City: "Eindhoven"}}, AddressElse},
		{"abbreviations written out", []addr{{HouseNumber: 1, Street: "Burg. de Witstr."}},
			[]addr{{HouseNumber: 1, Street: "Burgemeester de Witstraat"}}, AddressExact},
		{"abroad: street, number and place", []addr{{Country: "BE", Postcode: "2300", Street: "Grote Markt", HouseNumber: 1, City: "Turnhout"}},
			[]addr{{Country: "BE", Postcode: "2300", Street: "Grote Markt", HouseNumber: 1, City: "Turnhout"}}, AddressExact},
		{"abroad and a place of the same name at home", []addr{{Country: "BE", Street: "Kerkstraat", HouseNumber: 1, City: "Baarle"}},
			[]addr{{Street: "Kerkstraat", HouseNumber: 1, City: "Baarle"}}, AddressElse},
		{"postcode against street only", []addr{{Postcode: "5611AB", HouseNumber: 12}}, []addr{{HouseNumber: 12, Street: "Kerkstraat"}}, LevelMissing},
		{"postcode not of the Dutch form", []addr{{Postcode: "5611", HouseNumber: 12}}, []addr{{Postcode: "5611", HouseNumber: 12}}, LevelMissing},
		{"four digits: a street mistyped twice at the same number", []addr{{Postcode: "7029", HouseNumber: 143, Street: "Kloosterslaan", City: "Apeldoorn"}},
			[]addr{{Postcode: "7029", HouseNumber: 143, Street: "Kloostdtslaan", City: "Apeldoorn"}}, AddressExact},
		{"four digits against a Dutch postcode: a street mistyped twice", []addr{{Postcode: "7029 AB", HouseNumber: 143, Street: "Kloosterslaan", City: "Apeldoorn"}},
			[]addr{{Postcode: "7029", HouseNumber: 143, Street: "Kloostdtslaan"}}, AddressExact},
		{"four digits: a street mistyped twice at another number", []addr{{Postcode: "7029", HouseNumber: 143, Street: "Kloosterslaan", City: "Apeldoorn"}},
			[]addr{{Postcode: "7029", HouseNumber: 145, Street: "Kloostdtslaan", City: "Apeldoorn"}}, AddressElse},
		{"another area: a street mistyped twice", []addr{{Postcode: "7029", HouseNumber: 143, Street: "Kloosterslaan", City: "Apeldoorn"}},
			[]addr{{Postcode: "7031", HouseNumber: 143, Street: "Kloostdtslaan", City: "Apeldoorn"}}, AddressElse},
		{"Dutch postcodes: a street mistyped twice is another street", []addr{{Postcode: "7029AB", HouseNumber: 143, Street: "Kloosterslaan", City: "Apeldoorn"}},
			[]addr{{Postcode: "7029AC", HouseNumber: 143, Street: "Kloostdtslaan", City: "Apeldoorn"}}, AddressElse},
		{"four digits: the place mistyped twice", []addr{{Postcode: "2141", HouseNumber: 46, Street: "Molenstraat", City: "Amsterdam"}},
			[]addr{{Postcode: "2141", HouseNumber: 46, Street: "Molenstraat", City: "Amztersam"}}, AddressExact},
		{"four digits: the same street in another place and area", []addr{{Postcode: "2141", HouseNumber: 46, Street: "Molenstraat", City: "Amsterdam"}},
			[]addr{{Postcode: "7029", HouseNumber: 46, Street: "Molenstraat", City: "Apeldoorn"}}, AddressElse},
		{"abroad: one postcode in two countries", []addr{{Country: "BE", Postcode: "2141", HouseNumber: 46, Street: "Molenstraat", City: "Antwerpen"}},
			[]addr{{Postcode: "2141", HouseNumber: 46, Street: "Molenstraat", City: "Amsterdam"}}, AddressElse},
		{"missing", []addr{home}, nil, LevelMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantLevel(t, canonical.Person{Addresses: tt.a}, canonical.Person{Addresses: tt.b}, AttrAddress, tt.want)
		})
	}
}

func TestCompareOtherIDs(t *testing.T) {
	id := func(scheme canonical.IdentifierScheme, issuer, value string) canonical.Identifier {
		return canonical.Identifier{Scheme: scheme, Issuer: issuer, Value: value}
	}
	a := id(canonical.SchemeANummer, "BRP", "1234567890")
	vt := id(canonical.SchemeLocal, "VT-BZO", "C-004711")
	tests := []struct {
		name     string
		a, b     []canonical.Identifier
		partners [2]string
		want     Level
		// neighbours is the Comparison's IDNeighbours; editKey whether the records share a KeyOtherIDEdit key.
		neighbours, editKey bool
	}{
		{"partner's number mistyped", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-007411")}, [2]string{}, OtherIDOneEdit, false, true},
		{"partner's number, a digit left out", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-04711")}, [2]string{}, OtherIDOneEdit, false, true},
		{"partner's number, a digit added", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-0047711")}, [2]string{}, OtherIDOneEdit, false, true},
		{"partner's numbers one apart", []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "4711")}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "4712")}, [2]string{}, OtherIDOneEdit, true, false},
		{"partner's long numbers one apart", []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "20264711")}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "20264710")}, [2]string{}, OtherIDOneEdit, true, true},
		{"partner's numbers three apart", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-004714")}, [2]string{}, OtherIDOneEdit, true, true},
		{"partner's numbers, last two digits exchanged", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-004771")}, [2]string{}, OtherIDOneEdit, false, true},
		{"partner's numbers, last digits exchanged, nine apart", []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-004712")}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-004721")}, [2]string{}, OtherIDOneEdit, true, true},
		{"partner's numbers two typing errors apart", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-007412")}, [2]string{}, OtherIDTwoEdits, false, false},
		{"partner's numbers, two digits exchanged and one changed", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-040712")}, [2]string{}, OtherIDTwoEdits, false, false},
		{"partner's numbers two typing errors apart, dropped and added", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-047111")}, [2]string{}, OtherIDTwoEdits, false, true},
		{"partner's numbers a few apart in the last three digits", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-004783")}, [2]string{}, OtherIDDifferent, false, false},
		{"partner's short numbers two typing errors apart", []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "304711")}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "307712")}, [2]string{}, OtherIDDifferent, false, false},
		{"partner's numbers three typing errors apart", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "VT-BZO", "C-907412")}, [2]string{}, OtherIDDifferent, false, false},
		{"a-nummers two typing errors apart", []canonical.Identifier{a}, []canonical.Identifier{id(canonical.SchemeANummer, "", "1234667891")}, [2]string{}, OtherIDDifferent, false, false},
		{"a-nummers get no edit keys", []canonical.Identifier{a}, []canonical.Identifier{id(canonical.SchemeANummer, "", "1234567809")}, [2]string{}, OtherIDOneEdit, false, false},
		{"same a-nummer", []canonical.Identifier{a}, []canonical.Identifier{id(canonical.SchemeANummer, "", "12345 67890")}, [2]string{}, OtherIDEqual, false, false},
		{"a-nummer mistyped", []canonical.Identifier{a}, []canonical.Identifier{id(canonical.SchemeANummer, "", "1234567809")}, [2]string{}, OtherIDOneEdit, false, false},
		{"another a-nummer", []canonical.Identifier{a}, []canonical.Identifier{id(canonical.SchemeANummer, "", "9876543210")}, [2]string{}, OtherIDDifferent, false, false},
		{"same number, same issuer", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "vt-bzo", "c004711")}, [2]string{}, OtherIDEqual, false, true},
		{"same number, another issuer", []canonical.Identifier{vt}, []canonical.Identifier{id(canonical.SchemeLocal, "GEM-EHV", "C-004711")}, [2]string{}, LevelMissing, false, false},
		{"no issuer: the delivering partner's", []canonical.Identifier{id(canonical.SchemeLocal, "", "77")},
			[]canonical.Identifier{id(canonical.SchemeLocal, "", "77")}, [2]string{"GEM-EHV", "GEM-EHV"}, OtherIDEqual, false, false},
		{"no issuer, other partners", []canonical.Identifier{id(canonical.SchemeLocal, "", "77")},
			[]canonical.Identifier{id(canonical.SchemeLocal, "", "77")}, [2]string{"GEM-EHV", "GEM-HLM"}, LevelMissing, false, false},
		{"one of several agrees", []canonical.Identifier{a, vt}, []canonical.Identifier{id(canonical.SchemeANummer, "", "9876543210"), vt}, [2]string{}, OtherIDEqual, false, true},
		{"invalid one left out", []canonical.Identifier{vt}, []canonical.Identifier{{Scheme: canonical.SchemeLocal, Issuer: "VT-BZO", Value: "C-004711", Invalid: true}}, [2]string{}, LevelMissing, false, false},
		{"bsn and skn are not other identifiers", []canonical.Identifier{{Scheme: canonical.SchemeSKN, Value: "12345678"}},
			[]canonical.Identifier{{Scheme: canonical.SchemeSKN, Value: "12345678"}}, [2]string{}, LevelMissing, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pa := canonical.Person{Identifiers: tt.a, Provenance: canonical.Provenance{Partner: tt.partners[0]}}
			pb := canonical.Person{Identifiers: tt.b, Provenance: canonical.Provenance{Partner: tt.partners[1]}}
			wantLevel(t, pa, pb, AttrOtherID, tt.want)
			a, b := Prepare(pa), Prepare(pb)
			if got := Compare(&a, &b).IDNeighbours; got != tt.neighbours {
				t.Errorf("IDNeighbours = %v, want %v", got, tt.neighbours)
			}
			ka, kb := Keys(&a), Keys(&b)
			if got, want := shares(ka, kb, KeyOtherID) || shares(ka, kb, KeyOtherIDEdit), tt.want == OtherIDEqual || tt.editKey; got != want {
				t.Errorf("share an other-id key: %v, want %v", got, want)
			}
			if got := shares(ka, kb, KeyOtherIDEdit); got != tt.editKey {
				t.Errorf("share an other-id-edit key: %v, want %v", got, tt.editKey)
			}
		})
	}
}

// TestTwoEditsApart checks twoEditsApart against the optimal string alignment distance (edits and exchanges of
// adjacent characters) on short random digit strings, where every kind of pair is common.
func TestTwoEditsApart(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	digits := func() string {
		b := make([]byte, 3+r.IntN(5))
		for i := range b {
			b[i] = byte('0' + r.IntN(4))
		}
		return string(b)
	}
	for range 200000 {
		a, b := digits(), digits()
		if want := a != b && osaDistance(a, b) <= 2; twoEditsApart(a, b) != want {
			t.Fatalf("twoEditsApart(%q, %q) = %v, want %v (distance %d)", a, b, !want, want, osaDistance(a, b))
		}
	}
}

// osaDistance is the optimal string alignment distance of a and b, computed in full.
func osaDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
