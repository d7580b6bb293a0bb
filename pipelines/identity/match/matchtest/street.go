package matchtest

import (
	"hash/fnv"
	"math/rand/v2"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// Street names are drawn as a stem and a kind, so that one name occurs in many places, as Kerkstraat does; a place
// is drawn from the first two digits of the postcode.
var (
	streetStems = []string{
		"Kerk", "Molen", "Dorps", "School", "Stations", "Markt", "Beuken", "Eiken", "Linden", "Wilhelmina",
		"Juliana", "Oranje", "Nieuwe", "Hoofd", "Prins Hendrik", "Burgemeester de Wit", "Sint Jans", "Kastanje",
		"Rozen", "Tulpen", "Vondel", "Rembrandt", "Van Gogh", "Spoor", "Haven", "Dijk", "Berken", "Esdoorn",
		"Merel", "Lijster", "Zwaluw", "Reiger", "Heuvel", "Bosch", "Akker", "Weide", "Kloosters", "Parallel",
	}
	streetKinds = []string{"straat", "laan", "weg", "plein", "singel", "dreef", "hof", "pad"}
	places      = []string{
		"Amsterdam", "Rotterdam", "'s-Gravenhage", "Utrecht", "Eindhoven", "Tilburg", "Groningen", "Almere",
		"Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort", "Zaanstad",
		"'s-Hertogenbosch", "Zwolle", "Leiden", "Maastricht", "Dordrecht", "Zoetermeer", "Ede", "Helmond",
		"Veldhoven", "Oss", "Deventer", "Venlo", "Roosendaal", "Geldrop",
	}
)

// StreetAddresses returns s with every address written as a source that records no Dutch postcode writes it: the
// street, house number and place of the postcode's address, and only the four digits of the postcode, as a foreign
// or older system keeps them. A street is mistyped in street typo of the records, a place left out in place
// missing, each drawn from seed; what the records were generated with stays as it was. It changes s in place, but
// not the addresses it shared with other records.
func StreetAddresses(s *Set, seed uint64, streetTypo, placeMissing float64) *Set {
	g := NewGenerator(seed)
	for i := range s.Records {
		s.Records[i].Addresses = append([]canonical.Address(nil), s.Records[i].Addresses...)
		for j := range s.Records[i].Addresses {
			a := &s.Records[i].Addresses[j]
			if len(a.Postcode) != 6 {
				continue
			}
			street, place := streetOf(a.Postcode)
			if g.Chance(streetTypo) {
				street = g.typo(street)
			}
			if g.Chance(placeMissing) {
				place = ""
			}
			*a = canonical.Address{Street: street, HouseNumber: a.HouseNumber, Postcode: a.Postcode[:4], City: place}
		}
	}
	return s
}

// streetOf returns the street and place of a generated postcode: one street per postcode, as a Dutch postcode
// lies in one street, and the place of its first two digits.
func streetOf(postcode string) (street, place string) {
	h := fnv.New64a()
	h.Write([]byte(postcode))
	r := rand.New(rand.NewPCG(h.Sum64(), 0))
	stem, kind := streetStems[r.IntN(len(streetStems))], streetKinds[r.IntN(len(streetKinds))]
	return stem + kind, places[(int(postcode[0]-'0')*10+int(postcode[1]-'0'))%len(places)]
}
