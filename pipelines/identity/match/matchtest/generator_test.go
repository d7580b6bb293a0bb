package matchtest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
)

func TestGeneratorIsDeterministic(t *testing.T) {
	draw := func(seed uint64) []canonical.Person {
		g := NewGenerator(seed)
		var out []canonical.Person
		for _, e := range g.Population(200) {
			out = append(out, g.Record(e, Light, true), g.Record(e, Heavy, true))
		}
		return out
	}
	a, b := draw(7), draw(7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two generators with one seed drew different records")
	}
	if reflect.DeepEqual(a, draw(8)) {
		t.Fatal("generators with different seeds drew the same records")
	}
}

func TestPopulation(t *testing.T) {
	g := NewGenerator(1)
	pop := g.Population(2000)
	if len(pop) != 2000 || len(g.Entities()) != 2000 {
		t.Fatalf("drew %d persons, %d entities, want 2000", len(pop), len(g.Entities()))
	}
	seen := map[string]bool{}
	households := map[string]bool{} // surname and address: relatives share them
	relatives := 0
	for i, e := range pop {
		if e.ID != i || g.Entities()[i] != e {
			t.Fatalf("person %d has ID %d or is not entity %d", i, e.ID, i)
		}
		if !canonical.ValidBSN(e.BSN) || seen[e.BSN] {
			t.Fatalf("person %d: BSN invalid or drawn twice", i)
		}
		seen[e.BSN] = true
		if len(e.GivenNames) == 0 || e.Surname == "" || e.Birth.Day == 0 || e.Postcode == "" || e.HouseNumber < 1 {
			t.Fatalf("person %d lacks a name, complete birth date or address", i)
		}
		home := fmt.Sprint(e.SurnamePrefix, e.Surname, e.Postcode, e.HouseNumber)
		if households[home] {
			relatives++
		}
		households[home] = true
	}
	if relatives == 0 {
		t.Error("no relative in 2000 persons")
	}
	if relatives > 2000/4 {
		t.Errorf("%d relatives in 2000 persons, want about one in eight", relatives)
	}
}

func TestRecord(t *testing.T) {
	g := NewGenerator(3)
	e := g.NewEntity()
	t.Run("zero corruption copies the person", func(t *testing.T) {
		p := g.Record(e, Corruption{}, true)
		if p.Name.GivenNames != strings.Join(e.GivenNames, " ") || p.Name.Surname != e.Surname ||
			p.Name.SurnamePrefix != e.SurnamePrefix || p.Gender != e.Gender {
			t.Errorf("name or gender differ from the person: %+v", p.Name)
		}
		if p.BirthDate == nil || *p.BirthDate != e.Birth {
			t.Errorf("birth date %v, want %v", p.BirthDate, e.Birth)
		}
		if len(p.Identifiers) == 0 || p.Identifiers[0].Value != e.BSN {
			t.Error("BSN missing or changed")
		}
		if len(p.Addresses) != 1 || p.Addresses[0].Postcode != e.Postcode || p.Addresses[0].HouseNumber != e.HouseNumber {
			t.Errorf("address %+v, want %s %d", p.Addresses, e.Postcode, e.HouseNumber)
		}
	})
	t.Run("without BSN", func(t *testing.T) {
		for range 50 {
			for _, id := range g.Record(e, Light, false).Identifiers {
				if id.Scheme == canonical.SchemeBSN {
					t.Fatal("record drawn without BSN holds one")
				}
			}
		}
	})
}
