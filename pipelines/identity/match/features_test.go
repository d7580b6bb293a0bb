package match

import (
	"slices"
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// person builds a canonical.Person for tests.
func person(given, prefix, surname string, birth string, bsn string) canonical.Person {
	p := canonical.Person{Name: canonical.Name{GivenNames: given, SurnamePrefix: prefix, Surname: surname}}
	if birth != "" {
		d, err := canonical.ParseDate(birth)
		if err != nil {
			panic(err)
		}
		p.BirthDate = &d
	}
	if bsn != "" {
		p.Identifiers = append(p.Identifiers, canonical.Identifier{Scheme: canonical.SchemeBSN, Value: bsn})
	}
	return p
}

func TestPrepare(t *testing.T) {
	p := person("Jan-Willem  Pieter", "van der", "Meijden", "19680512", "123456782")
	p.Gender = canonical.GenderMale
	p.Identifiers = append(p.Identifiers, canonical.Identifier{Scheme: canonical.SchemeSKN, Value: " 12345678 "})
	p.Addresses = []canonical.Address{{Postcode: "1234 ab", HouseNumber: 12}}
	f := Prepare(p)
	checks := []struct{ name, got, want string }{
		{"Surname", f.Surname, "meyden"},
		{"SurnamePhonetic", f.SurnamePhonetic, Phonetic("meyden")},
		{"GivenNames", f.GivenNames, "jan willem pieter"},
		{"FirstName", f.FirstName, "jan"},
		{"Initials", f.Initials, "jwp"},
		{"BSN", f.BSN, "123456782"},
		{"SKN", f.SKN, "12345678"},
		{"Postcode", f.Postcode, "1234AB"},
		{"Gender", string(f.Gender), "M"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if f.HouseNumber != 12 {
		t.Errorf("HouseNumber = %d, want 12", f.HouseNumber)
	}
	if !slices.Contains(f.SurnameKeys, "vandermeyden") || !slices.Contains(f.SurnameKeys, "meyden") {
		t.Errorf("SurnameKeys = %q, want vandermeyden and meyden among them", f.SurnameKeys)
	}
	if f.BirthFirst != f.BirthLast || f.BirthFirst == 0 {
		t.Errorf("complete birth date range = [%d, %d], want one day", f.BirthFirst, f.BirthLast)
	}
}

func TestPrepareVoorlettersAsGivenNames(t *testing.T) {
	f := Prepare(person("J.P.", "", "Jansen", "", ""))
	if f.GivenNames != "" || f.FirstName != "" || f.Initials != "jp" {
		t.Errorf("given names %q, first name %q, initials %q; want none, none, \"jp\"", f.GivenNames, f.FirstName, f.Initials)
	}
	g := Prepare(person("Jan Pieter", "", "Jansen", "", ""))
	if got := Compare(&f, &g).Levels[AttrGivenNames]; got != GivenInitials {
		t.Errorf("voorletters against voornamen: %s, want initials", AttrGivenNames.LevelName(got))
	}
}

func TestPrepareNames(t *testing.T) {
	tests := []struct {
		name                string
		n                   canonical.Name
		surname, partner    string
		given, first, inits string
	}{
		{"prefix in surname field", canonical.Name{Surname: "van den Berg", GivenNames: "Anna"}, "berg", "", "anna", "anna", "a"},
		{"diacritics", canonical.Name{Surname: "Çelik", GivenNames: "Zoë Anaïs"}, "celik", "", "zoe anais", "zoe", "za"},
		{"combined under V", canonical.Name{Surname: "Jansen-de Vries", Usage: canonical.NameUsagePartnerOwn, GivenNames: "Els"},
			"vries", "jansen", "els", "els", "e"},
		{"partner parts", canonical.Name{Surname: "Vries", SurnamePrefix: "de", PartnerSurname: "Jansen", Usage: canonical.NameUsagePartner},
			"vries", "jansen", "", "", ""},
		{"initials only", canonical.Name{Surname: "Smit", Initials: "J.P."}, "smit", "", "", "", "jp"},
		{"IJ initial", canonical.Name{Surname: "Smit", GivenNames: "IJsbrand"}, "smit", "", "ysbrand", "ysbrand", "y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Prepare(canonical.Person{Name: tt.n})
			if f.Surname != tt.surname || f.Partner != tt.partner {
				t.Errorf("surname, partner = %q, %q, want %q, %q", f.Surname, f.Partner, tt.surname, tt.partner)
			}
			if f.GivenNames != tt.given || f.FirstName != tt.first || f.Initials != tt.inits {
				t.Errorf("given, first, initials = %q, %q, %q, want %q, %q, %q",
					f.GivenNames, f.FirstName, f.Initials, tt.given, tt.first, tt.inits)
			}
		})
	}
}

func TestPrepareBSN(t *testing.T) {
	tests := []struct {
		name    string
		ids     []canonical.Identifier
		bsn     string
		invalid bool
	}{
		{"valid", []canonical.Identifier{{Scheme: canonical.SchemeBSN, Value: "123456782"}}, "123456782", false},
		{"eight digits", []canonical.Identifier{{Scheme: canonical.SchemeBSN, Value: "12345672"}}, "012345672", false},
		{"fails elfproef", []canonical.Identifier{{Scheme: canonical.SchemeBSN, Value: "123456789"}}, "", true},
		{"flagged invalid by the mapping", []canonical.Identifier{{Scheme: canonical.SchemeBSN, Value: "123456782", Invalid: true}}, "", true},
		{"malformed", []canonical.Identifier{{Scheme: canonical.SchemeBSN, Value: "12a"}}, "", true},
		{"invalid then valid", []canonical.Identifier{
			{Scheme: canonical.SchemeBSN, Value: "123456789"}, {Scheme: canonical.SchemeBSN, Value: "123456782"}}, "123456782", true},
		{"none", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Prepare(canonical.Person{Identifiers: tt.ids})
			if f.BSN != tt.bsn || f.BSNInvalid != tt.invalid {
				t.Errorf("BSN, BSNInvalid = %q, %v, want %q, %v", f.BSN, f.BSNInvalid, tt.bsn, tt.invalid)
			}
		})
	}
}

func TestPreparePartialBirth(t *testing.T) {
	f := Prepare(person("Jan", "", "Smit", "19680000", ""))
	if got := f.BirthLast - f.BirthFirst; got != 365 {
		t.Errorf("range of a leap year 1968 spans %d days after the first, want 365", got)
	}
}

func TestPreparePostcodeOfAnotherForm(t *testing.T) {
	for _, tt := range []struct {
		name string
		a    canonical.Address
		want string
	}{
		{"Dutch", canonical.Address{Postcode: "5611 ab", HouseNumber: 1, Street: "Kerkstraat"}, "5611AB"},
		{"four digits", canonical.Address{Postcode: " 5611", HouseNumber: 1, Street: "Kerkstraat"}, "5611"},
		{"abroad", canonical.Address{Country: "BE", Postcode: "B-2300", HouseNumber: 1, Street: "Grote Markt"}, "be:B2300"},
		{"Dutch form abroad", canonical.Address{Country: "DE", Postcode: "1234 AB", HouseNumber: 1, Street: "Hauptstraße"}, "de:1234AB"},
		{"no street", canonical.Address{Postcode: "5611", HouseNumber: 1}, "5611"},
		{"nothing", canonical.Address{HouseNumber: 1, City: "Eindhoven"}, ""},
	} {
		if got := Prepare(canonical.Person{Addresses: []canonical.Address{tt.a}}).Postcode; got != tt.want {
			t.Errorf("%s: Postcode = %q, want %q", tt.name, got, tt.want)
		}
	}
}
