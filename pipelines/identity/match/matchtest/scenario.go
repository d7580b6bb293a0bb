package matchtest

import (
	"fmt"
	"time"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// Set is a generated set of source records with the true person of each, in the order a resolver takes them.
// Every record has a Provenance with a source and a local id unique within it.
type Set struct {
	Records []canonical.Person
	// Entity is the true person of each record (Entity.ID).
	Entity []int
	// Side is 0 or 1 in a linkage set (the register and the partner's export), 0 in a dedup set.
	Side []int
	// Linkage says whether only pairs across the two sides count: each side holds a person at most once.
	Linkage bool
}

// receivedAt is the reception time of every generated record.
var receivedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *Set) add(p canonical.Person, entity, side int, source string) {
	p.Provenance = canonical.Provenance{Source: source, LocalID: fmt.Sprintf("%s-%07d", source, len(s.Records)+1),
		ReceivedAt: receivedAt}
	s.Records = append(s.Records, p)
	s.Entity = append(s.Entity, entity)
	s.Side = append(s.Side, side)
}

// Linkage draws two sources: a well-kept register ("brp") of n persons, and a partner's export ("gcos") holding
// most of them, heavily corrupted, and n/5 others. Each source holds a person at most once.
func Linkage(seed uint64, n int, withBSN bool) *Set {
	g := NewGenerator(seed)
	pop := g.Population(n + n/5)
	s := &Set{Linkage: true}
	for _, e := range pop[:n] {
		s.add(g.Record(e, Light, withBSN), e.ID, 0, "brp")
	}
	for i, e := range pop {
		if i >= n || g.Chance(0.8) {
			s.add(g.Record(e, Heavy, withBSN), e.ID, 1, "gcos")
		}
	}
	return s
}

// Dedup draws one source of n persons, each recorded once well and up to five more times badly, shuffled so that
// no order gives the truth away.
func Dedup(seed uint64, n int, withBSN bool) *Set {
	g := NewGenerator(seed)
	pop := g.Population(n)
	s := &Set{}
	for _, e := range pop {
		s.add(g.Record(e, Light, withBSN), e.ID, 0, "gcos")
		for range g.Zipf(6) {
			s.add(g.Record(e, Heavy, withBSN), e.ID, 0, "gcos")
		}
	}
	g.Rand().Shuffle(len(s.Records), func(i, j int) {
		s.Records[i], s.Records[j] = s.Records[j], s.Records[i]
		s.Entity[i], s.Entity[j] = s.Entity[j], s.Entity[i]
	})
	return s
}

// TruePairs counts the pairs of records of one person (across the sides in a linkage set).
func (s *Set) TruePairs() int {
	type key struct{ entity, side int }
	per := map[key]int{}
	for i, e := range s.Entity {
		side := 0
		if s.Linkage {
			side = s.Side[i]
		}
		per[key{e, side}]++
	}
	n := 0
	for k, c := range per {
		if !s.Linkage {
			n += c * (c - 1) / 2
		} else if k.side == 0 {
			n += c * per[key{k.entity, 1}]
		}
	}
	return n
}
