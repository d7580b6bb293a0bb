package match

import (
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// shares reports whether two key sets share a key of kind k.
func shares(a, b []Key, k KeyKind) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y && x.Kind == k {
				return true
			}
		}
	}
	return false
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
		{"year typo", base, person("Jan", "", "van der Meijden", "19780512", ""), KeyNames, true},
		{"partner name", married, person("Els", "", "Jansen", "19700101", ""), KeyBirthName, true},
		{"combined name", married, person("Els", "", "Jansen-de Vries", "19710101", ""), KeyNames, true},
		{"day and month exchanged", base, person("Jan", "", "Meijden", "19681205", ""), KeyBirthName, true},
		{"typos in both names", base, person("Jna", "", "Mejiden", "19680512", ""), KeyDayInitials, true},
		{"typos in both names, year mistyped", base, person("Jna", "", "Mejiden", "19780512", ""), KeyDayInitials, true},
		{"voorletters only, surname typo", base, initialsOnly, KeyDayInitials, true},
		{"surname typo, day mistyped", base, person("Jan", "", "Mejiden", "19680513", ""), KeyYearFirstInitial, true},
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
}

func TestKeysUnique(t *testing.T) {
	f := Prepare(person("Smit", "", "Smit", "19680512", "123456782"))
	keys := Keys(&f)
	seen := map[Key]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Errorf("duplicate key %v", k)
		}
		seen[k] = true
		if k.Kind.String() == "unknown" {
			t.Errorf("key of unknown kind %d", k.Kind)
		}
	}
	if n := testing.AllocsPerRun(100, func() { keys = AppendKeys(keys[:0], &f) }); n != 0 {
		t.Errorf("AppendKeys into a slice with room allocates %.0f times, want 0", n)
	}
}
