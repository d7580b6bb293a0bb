package synthetic

import (
	"fmt"
	"math/rand/v2"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// date is a calendar date; a zero month or day means that part is unknown (a partial date, as the BRP records
// for some persons born abroad).
type date struct{ y, m, d int }

// person is one true person: the ground truth every source record about them is derived from.
type person struct {
	n      int // 0-based person number; the person id is "T" + n+1
	gender byte
	given  []string // voornamen; given[0] is the roepnaam
	sur    surname
	birth  date
	adult  bool
	hh     *household

	// Partner and naamgebruik: a married or registered partner's name, and how the person uses it
	// (E own, P partner's, V partner's then own, N own then partner's).
	partner     *person
	married     bool
	naamgebruik byte

	// dupNumber: the gemeente registered this person twice, under a second number.
	dupNumber bool
	// lookalike: a distinct person made to look like another (same name and birth year).
	lookalike bool
}

// id is the ground-truth person id, "T0000001" for the first person.
func (p *person) id() string { return fmt.Sprintf("T%07d", p.n+1) }

func (p *person) bsn() string     { return bsnFor(p.n) }
func (p *person) skn() string     { return sknFor(p.n) }
func (p *person) aNummer() string { return aNummerFor(p.n) }

// age returns the age in whole years at the reference date (the generator's "today").
func (p *person) age() int {
	a := refYear - p.birth.y
	if p.birth.m > refMonth || (p.birth.m == refMonth && p.birth.d > refDay) {
		a--
	}
	return a
}

// household is a set of persons at one address: a single adult, a couple, a couple or single parent with
// children. Cases, meldingen and dossiers are drawn around households.
type household struct {
	n       int // 0-based household number
	place   *place
	street  string
	number  int
	letter  string // huisletter, "" when none
	toev    string // huisnummertoevoeging, "" when none
	pc      string
	members []*person
}

func (h *household) adults() []*person {
	var out []*person
	for _, p := range h.members {
		if p.adult {
			out = append(out, p)
		}
	}
	return out
}

func (h *household) children() []*person {
	var out []*person
	for _, p := range h.members {
		if !p.adult {
			out = append(out, p)
		}
	}
	return out
}

// The reference date all ages are computed against, and the year of the generated cases and meldingen.
const (
	refYear  = 2026
	refMonth = 11
	refDay   = 20
)

// Population rates (per household or per person), documented in doc.go.
const (
	rateSingle        = 0.35 // household of one adult
	rateCouple        = 0.25 // couple without children at home
	rateCoupleKids    = 0.30 // couple with children
	rateMarried       = 0.70 // a couple is married or in a registered partnership
	rateTwins         = 0.03 // a household with children has twins
	rateLookalike     = 0.02 // a household's first adult copies the name and birth year of an earlier person
	ratePartialBirth  = 0.01 // the BRP itself holds only the birth year (or year and month)
	rateDupGemeente   = 0.03 // a gemeente registered the person twice
	rateGenderUnknown = 0.002
)

// populator makes households one after another. It keeps the last ringSize households so that youth groups and
// look-alikes can draw on persons made earlier, without holding the whole population.
type populator struct {
	seed    uint64
	l       *lists
	next    int // next person number
	ring    []*household
	ringPos int
	made    int // households made
}

const ringSize = 64

func newPopulator(seed uint64, l *lists) *populator {
	return &populator{seed: seed, l: l, ring: make([]*household, ringSize)}
}

// recent returns the household made k households ago (k ≥ 1), or nil.
func (pp *populator) recent(k int) *household {
	if k < 1 || k > ringSize || k > pp.made {
		return nil
	}
	return pp.ring[(pp.made-k)%ringSize]
}

// rng returns the random stream for one household and purpose: generation is a pure function of
// (seed, household, stream), so a household reads the same whatever the options of other sources.
func (pp *populator) rng(h, stream int) *rand.Rand {
	return rand.New(rand.NewPCG(pp.seed, uint64(h)<<8|uint64(stream)))
}

// household makes the next household.
func (pp *populator) household() (*household, error) {
	hn := pp.made
	r := pp.rng(hn, 0)
	pl := pp.l.place(r)
	h := &household{n: hn, place: pl, street: pp.l.streets[r.IntN(len(pp.l.streets))],
		number: 1 + int(r.ExpFloat64()*40)%250, pc: postcode(r, pl)}
	switch x := r.Float64(); {
	case x < 0.08:
		h.letter = string(rune('a' + r.IntN(4)))
	case x < 0.12:
		h.toev = []string{"1", "2", "3", "A", "B", "hs"}[r.IntN(6)]
	}

	kind := r.Float64()
	withKids := kind >= rateSingle+rateCouple
	first := pp.adult(r, h, 0, withKids)
	if kind >= rateSingle && kind < rateSingle+rateCouple+rateCoupleKids {
		second := pp.adult(r, h, first.gender, withKids)
		// Partners are about the same age.
		second.birth = pp.birthDate(r, min(refYear-18, first.birth.y+normalInt(r, 0, 3, -12, 12)))
		if r.Float64() < rateMarried {
			first.partner, second.partner = second, first
			first.married, second.married = true, true
			first.naamgebruik, second.naamgebruik = naamgebruik(r, first.gender), naamgebruik(r, second.gender)
		}
	}
	if withKids {
		py := 0
		for _, a := range h.members {
			py = max(py, a.birth.y)
		}
		hi := min(py+42, refYear)
		lo := min(max(py+20, refYear-24), hi)
		var father *person
		for _, a := range h.members {
			if a.gender == 'M' {
				father = a
			}
		}
		kidSur := first.sur
		if father != nil {
			kidSur = father.sur
		}
		nk := 1 + min(4, int(r.ExpFloat64()*1.2))
		for range nk {
			k := pp.person(r, h, randGender(r))
			k.sur = kidSur
			k.birth = pp.birthDate(r, lo+r.IntN(hi-lo+1))
			k.adult = k.age() >= 18
		}
		if r.Float64() < rateTwins {
			sib := h.members[len(h.members)-1]
			t := pp.person(r, h, randGender(r))
			for t.given[0] == sib.given[0] {
				t.given[0] = pp.l.male.draw(r)
				if t.gender == 'V' {
					t.given[0] = pp.l.female.draw(r)
				}
			}
			t.sur, t.birth, t.adult = sib.sur, sib.birth, sib.adult
		}
	}
	if r.Float64() < rateLookalike {
		if src := pp.recent(1 + r.IntN(ringSize)); src != nil && src.members[0].gender == first.gender && !src.members[0].lookalike {
			o := src.members[0]
			first.given = append([]string{o.given[0]}, first.given[1:]...)
			first.sur = o.sur
			first.birth = pp.birthDate(r, o.birth.y)
			first.lookalike = true
		}
	}
	pp.ring[hn%ringSize] = h
	pp.made++
	if pp.next > maxIndex {
		return nil, fmt.Errorf("population exceeds %d persons", maxIndex)
	}
	return h, nil
}

func randGender(r *rand.Rand) byte {
	if r.Float64() < rateGenderUnknown {
		return 'O'
	}
	if r.IntN(2) == 0 {
		return 'M'
	}
	return 'V'
}

// adult makes an adult of the household; partnerGender is the gender of the partner already there (0 if none),
// most couples being of mixed gender; a parent of children at home is between 22 and 62.
func (pp *populator) adult(r *rand.Rand, h *household, partnerGender byte, parent bool) *person {
	g := randGender(r)
	if partnerGender != 0 && r.Float64() < 0.95 {
		g = 'M'
		if partnerGender == 'M' {
			g = 'V'
		}
	}
	p := pp.person(r, h, g)
	p.adult = true
	if parent {
		p.birth = pp.birthDate(r, refYear-normalInt(r, 40, 7, 22, 62))
	} else {
		p.birth = pp.birthDate(r, refYear-normalInt(r, 42, 16, 18, 92))
	}
	return p
}

func (pp *populator) person(r *rand.Rand, h *household, g byte) *person {
	p := &person{n: pp.next, gender: g, hh: h, sur: pp.l.surname(r), naamgebruik: 'E'}
	pp.next++
	names := pp.l.female
	if g == 'M' || (g == 'O' && r.IntN(2) == 0) {
		names = pp.l.male
	}
	n := 1 + min(3, int(r.ExpFloat64()*0.9))
	for len(p.given) < n {
		v := names.draw(r)
		dup := false
		for _, x := range p.given {
			dup = dup || x == v
		}
		if !dup {
			p.given = append(p.given, v)
		}
	}
	p.dupNumber = r.Float64() < rateDupGemeente
	h.members = append(h.members, p)
	return p
}

func (pp *populator) birthDate(r *rand.Rand, y int) date {
	m := 1 + r.IntN(12)
	d := 1 + r.IntN(canonical.DaysIn(y, m))
	if y == refYear && (m > refMonth || (m == refMonth && d > refDay)) {
		m, d = 1+r.IntN(refMonth-1), 1+r.IntN(28)
	}
	if r.Float64() < ratePartialBirth {
		if r.IntN(3) == 0 {
			return date{y, m, 0}
		}
		return date{y, 0, 0}
	}
	return date{y, m, d}
}

// naamgebruik draws the name use of a married person: most men keep their own name, many women use their
// partner's name (P) or the partner's followed by their own (V).
func naamgebruik(r *rand.Rand, g byte) byte {
	x := r.Float64()
	if g != 'V' {
		if x < 0.97 {
			return 'E'
		}
		return "PVN"[r.IntN(3)]
	}
	switch {
	case x < 0.50:
		return 'E'
	case x < 0.65:
		return 'P'
	case x < 0.90:
		return 'V'
	default:
		return 'N'
	}
}
