package match

import (
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// finds reports whether a record with keys probe finds one with keys stored by a key of kind k.
func finds(probe, stored []Key, k KeyKind) bool {
	for _, x := range probe {
		for _, y := range stored {
			if x.Kind == k && y.Kind == k && x.Hash == y.Hash && x.Probed() && y.Stored() {
				return true
			}
		}
	}
	return false
}

// shares reports whether two records meet on a key of kind k, whichever of them comes first. For symmetric keys
// that is the same as finds either way round.
func shares(a, b []Key, k KeyKind) bool {
	return finds(a, b, k) || finds(b, a, k)
}

func TestKeys(t *testing.T) {
	base := person("Jan Pieter", "van der", "Meijden", "19680512", "123456782")
	base.Addresses = []canonical.Address{{Postcode: "1234AB", HouseNumber: 12}}
	married := person("Els", "de", "Vries", "19700101", "")
	married.Name.PartnerSurname = "Jansen"
	initialsOnly := person("", "", "Mejiden", "19680512", "")
	initialsOnly.Name.Initials = "J.P."
	tests := []struct {
		name string
		a, b canonical.Person
		kind KeyKind
		want bool
	}{
		{"same bsn", base, person("X", "", "Y", "", "123456782"), KeyBSN, true},
		{"invalid bsn gives no key", person("", "", "", "", "123456789"), person("", "", "", "", "123456789"), KeyBSN, false},
		{"date and spelling variant", base, person("Jan", "", "Meyden", "19680512", ""), KeyBirthName, true},
		{"date and first name, surname changed", base, person("Jan", "", "Bakker", "19680512", ""), KeyBirthName, true},
		{"swapped", base, person("Meijden", "", "Jan", "19680512", ""), KeyBirthName, true},
		{"swapped, partial date", base, person("Meijden", "", "Jan", "19680000", ""), KeyYearNames, true},
		{"first-name typo, partial date", base, person("Jna", "", "Meijden", "19680000", ""), KeyYearSurnameInitial, true},
		{"year typo", base, person("Jan", "", "van der Meijden", "19780512", ""), KeyDayInitials, true},
		{"both dated: no names key", base, person("Jan", "", "van der Meijden", "19780512", ""), KeyNames, false},
		{"both dated: no undated names key", base, person("Jan", "", "van der Meijden", "19780512", ""), KeyNamesUndated, false},
		{"undated finds dated", base, person("Jan", "", "van der Meijden", "", ""), KeyNames, true},
		{"dated finds undated", base, person("Jan", "", "van der Meijden", "", ""), KeyNamesUndated, true},
		{"partial date counts as undated", base, person("Jan", "", "Meijden", "19780000", ""), KeyNamesUndated, true},
		{"both undated", person("Jan", "", "Meijden", "", ""), person("Meijden", "", "Jan", "19680000", ""), KeyNames, true},
		{"partner name", married, person("Els", "", "Jansen", "19700101", ""), KeyBirthName, true},
		{"combined name", married, person("Els", "", "Jansen-de Vries", "19710101", ""), KeyDayInitials, true},
		{"combined name, undated", married, person("Els", "", "Jansen-de Vries", "", ""), KeyNamesUndated, true},
		{"day and month exchanged", base, person("Jan", "", "Meijden", "19681205", ""), KeyBirthName, true},
		{"typos in both names", base, person("Jna", "", "Mejiden", "19680512", ""), KeyDayInitials, true},
		{"typos in both names, year mistyped", base, person("Jna", "", "Mejiden", "19780512", ""), KeyDayInitials, true},
		{"voorletters only, surname typo", base, initialsOnly, KeyDayInitials, true},
		{"surname typo, day mistyped", base, person("Jan", "", "Mejiden", "19680513", ""), KeyYearFirstInitial, true},
		// Names exchanged, the surname with its voorvoegsels in the given-name field, both mistyped: the word after
		// the voorvoegsels stands for the first name.
		{"swapped with voorvoegsel, typos", person("Femke", "van der", "Heijden", "19440623", ""),
			person("van der Heijedn", "", "Femek", "19440623", ""), KeyDayInitials, true},
		{"swapped with voorvoegsel, partial date", person("Femke", "van der", "Heijden", "19440623", ""),
			person("van der Heijden", "", "Femke", "19440000", ""), KeyYearNames, true},
		{"voorvoegsel given names, other person", person("Femke", "van der", "Heijden", "19440623", ""),
			person("van der Heijden", "", "Bakker", "19440623", ""), KeyDayInitials, false},
		{"different person", base, person("Kees", "", "Bakker", "19680512", ""), KeyBirthName, false},
		{"different initials", base, person("Kees", "", "Bakker", "19680512", ""), KeyDayInitials, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fa, fb := Prepare(tt.a), Prepare(tt.b)
			if got := shares(Keys(&fa), Keys(&fb), tt.kind); got != tt.want {
				t.Errorf("share a %s key: %v, want %v", tt.kind, got, tt.want)
			}
		})
	}
	withAddr := person("Jan", "", "Smit", "", "")
	withAddr.Addresses = []canonical.Address{{Postcode: "1234AB", HouseNumber: 12}}
	fa, fb := Prepare(base), Prepare(withAddr)
	if !shares(Keys(&fa), Keys(&fb), KeyAddressInitial) {
		t.Error("same address and initial: no shared address-initial key")
	}
	// Without a postcode the street stands in for it, whether or not the place is known.
	street := func(a canonical.Address) Features {
		p := person("Jan", "", "Smit", "", "")
		p.Addresses = []canonical.Address{a}
		return Prepare(p)
	}
	fa, fb = street(canonical.Address{Street: "Kerkstr.", HouseNumber: 12, City: "Baarle-Nassau"}), street(canonical.Address{Street: "Kerkstraat", HouseNumber: 12})
	if !shares(Keys(&fa), Keys(&fb), KeyAddressInitial) {
		t.Error("same street, number and initial without a postcode: no shared address-initial key")
	}
	fb = street(canonical.Address{Street: "Kerkstraat", HouseNumber: 14})
	if shares(Keys(&fa), Keys(&fb), KeyAddressInitial) {
		t.Error("same street, another number: a shared address-initial key")
	}
	// A postcode of another form names an area: with the number and initial, it finds a street mistyped twice,
	// and an address without a street.
	fa, fb = street(canonical.Address{Postcode: "7029", Street: "Kloosterslaan", HouseNumber: 143}), street(canonical.Address{Postcode: "7029", Street: "Kloostdtslaan", HouseNumber: 143})
	if !shares(Keys(&fa), Keys(&fb), KeyAddressInitial) {
		t.Error("same area, number and initial: no shared address-initial key")
	}
	fb = street(canonical.Address{Postcode: "7029", HouseNumber: 143, City: "Apeldoorn"})
	if !shares(Keys(&fa), Keys(&fb), KeyAddressInitial) {
		t.Error("same area, number and initial, one without street: no shared address-initial key")
	}
	fb = street(canonical.Address{Postcode: "7031", Street: "Kloostdtslaan", HouseNumber: 143})
	if shares(Keys(&fa), Keys(&fb), KeyAddressInitial) {
		t.Error("another area, a street mistyped twice: a shared address-initial key")
	}
	fa, fb = street(canonical.Address{Postcode: "7029AB", Street: "Kloosterslaan", HouseNumber: 143}), street(canonical.Address{Postcode: "7029AC", Street: "Kloostdtslaan", HouseNumber: 143})
	if shares(Keys(&fa), Keys(&fb), KeyAddressInitial) {
		t.Error("Dutch postcodes one area apart: a shared address-initial key")
	}
}

// TestKeyRoles checks the roles of the names keys: every record is stored under names; a record without a complete
// birth date probes names and is stored under names-undated too, a record with one probes names-undated only. All
// other keys are stored and probed.
func TestKeyRoles(t *testing.T) {
	for _, tt := range []struct {
		name  string
		p     canonical.Person
		dated bool
	}{
		{"complete date", person("Jan", "", "Meijden", "19680512", "123456782"), true},
		{"partial date", person("Jan", "", "Meijden", "19680500", ""), false},
		{"year only", person("Jan", "", "Meijden", "19680000", ""), false},
		{"no date", person("Jan", "", "Meijden", "", ""), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := Prepare(tt.p)
			roles := map[KeyKind]Role{}
			for _, k := range Keys(&f) {
				if k.Role == 0 || k.Role&^(Stored|Probed) != 0 {
					t.Errorf("%s key has role %b", k.Kind, k.Role)
				}
				if r, ok := roles[k.Kind]; ok && r != k.Role {
					t.Errorf("%s keys of one record with roles %b and %b", k.Kind, r, k.Role)
				}
				roles[k.Kind] = k.Role
			}
			want := map[KeyKind]Role{KeyNames: Stored, KeyNamesUndated: Probed}
			if !tt.dated {
				want = map[KeyKind]Role{KeyNames: Stored | Probed, KeyNamesUndated: Stored}
			}
			for kind, r := range roles {
				w, ok := want[kind]
				if !ok {
					w = Stored | Probed
				}
				if r != w {
					t.Errorf("%s key has role %b, want %b", kind, r, w)
				}
			}
			for kind := range want {
				if _, ok := roles[kind]; !ok {
					t.Errorf("no %s key", kind)
				}
			}
		})
	}
	// Every pair meets on a names key when at least one of the two has no complete birth date, in either order.
	dated, undated := person("Jan", "", "Meijden", "19680512", ""), person("Jan", "", "Meijden", "", "")
	for _, tt := range []struct {
		name string
		a, b canonical.Person
		want bool
	}{
		{"dated, dated", dated, dated, false},
		{"dated, undated", dated, undated, true},
		{"undated, dated", undated, dated, true},
		{"undated, undated", undated, undated, true},
	} {
		fa, fb := Prepare(tt.a), Prepare(tt.b)
		ka, kb := Keys(&fa), Keys(&fb)
		got := finds(kb, ka, KeyNames) || finds(kb, ka, KeyNamesUndated)
		if got != tt.want {
			t.Errorf("%s: the later finds the earlier on a names key: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestKeysUnique(t *testing.T) {
	f := Prepare(person("Smit", "", "Smit", "19680512", "123456782"))
	keys := Keys(&f)
	seen := map[Key]bool{}
	for _, k := range keys {
		id := Key{Kind: k.Kind, Hash: k.Hash}
		if seen[id] {
			t.Errorf("duplicate key %v", k)
		}
		seen[id] = true
		if k.Kind.String() == "unknown" {
			t.Errorf("key of unknown kind %d", k.Kind)
		}
	}
	for _, p := range []canonical.Person{
		person("Smit", "", "Smit", "19680512", "123456782"),
		person("van der Meijden", "", "Jan", "19680512", ""),
	} {
		f := Prepare(p)
		keys := Keys(&f)
		if n := testing.AllocsPerRun(100, func() { keys = AppendKeys(keys[:0], &f) }); n != 0 {
			t.Errorf("AppendKeys into a slice with room allocates %.0f times, want 0", n)
		}
	}
}

func TestSurnameInGivenNames(t *testing.T) {
	for _, tt := range []struct{ given, want string }{
		{"jan pieter", ""},
		{"van der meyden", "meyden"},
		{"in t feld", "feld"},
		{"van der", ""},
		{"de", ""},
		{"", ""},
	} {
		if got := surnameInGivenNames(tt.given); got != tt.want {
			t.Errorf("surnameInGivenNames(%q) = %q, want %q", tt.given, got, tt.want)
		}
	}
}
