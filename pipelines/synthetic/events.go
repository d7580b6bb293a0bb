package synthetic

import (
	"fmt"
	"math/rand/v2"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// Base event probabilities per household (or per person for the BRP), before want scales them to keep the
// sources' shares.
const (
	pKennisgeving = 0.30 // a person gets a BRP kennisgeving
	pDossier      = 0.85 // a household in Eindhoven or Helmond has a gemeente dossier
	pNextDossier  = 0.30 // ... and a second one
	pMeldingBZO   = 0.25 // a household of two or more in Brabant Zuidoost has a Veilig Thuis melding (XML export)
	pMeldingVast  = 0.60 // the same elsewhere (fixed-width export; fewer households, the same share of records)
	pRepeatMeld   = 0.25 // ... and another one
	pCase         = 0.22 // a household has a GCOS case
	pVerdachte    = 0.30 // a household member is a ZSM verdachte
)

// Source profiles: what each source records, and how. See doc.go.
var (
	profStUF = profile{clean: true}
	profGCOS = profile{fullGiven: 0.7, bsnMissing: 0.10, usedName: 0.15, partnerField: true, addrMissing: 0.15}
	profZSM  = profile{fullGiven: 0.4, bsnMissing: 0.15, usedName: 0.30, abbrevPrefix: 0.35,
		abbrevStyle: []string{"v.d.", "vd"}, addrMissing: 0.20}
	profZSMVictim = profile{fullGiven: 0.2, bsnMissing: 0.65, usedName: 0.40, abbrevPrefix: 0.35,
		abbrevStyle: []string{"v.d.", "vd"}, addrMissing: 0.60}
	profVT  = profile{fullGiven: 0.1, bsnMissing: 0.70, usedName: 0.50, addrMissing: 0.20}
	profEHV = profile{fullGiven: 0.9, bsnMissing: 0.05, usedName: 0.10, addrMissing: 0.03}
	profHM  = profile{fullGiven: 0.0, bsnMissing: 0.10, usedName: 0.20, abbrevPrefix: 0.55,
		abbrevStyle: []string{"vd", "v.d.", "v/d", "vd"}, addrMissing: 0.03}
)

func (g *generator) events(h *household) error {
	for _, p := range h.members {
		if g.want(sBRP, pKennisgeving) {
			if err := g.kennisgeving(p); err != nil {
				return err
			}
		}
	}
	gem := -1
	switch h.place.name {
	case "Eindhoven":
		gem = sEHV
	case "Helmond":
		gem = sHM
	}
	if gem >= 0 {
		for _, p := range []float64{pDossier, pNextDossier} {
			if !g.want(gem, p) {
				break
			}
			if err := g.gemeenteDossier(gem, h); err != nil {
				return err
			}
		}
	}
	vt, pm := sVTV, pMeldingVast
	if h.place.region == "BZO" {
		vt, pm = sVTX, pMeldingBZO
	}
	if len(h.members) >= 2 && g.want(vt, pm) {
		if err := g.melding(vt, h); err != nil {
			return err
		}
		if g.want(vt, pRepeatMeld) {
			if err := g.melding(vt, h); err != nil {
				return err
			}
		}
	}
	if g.want(sGCOS, pCase) {
		if err := g.gcosCase(h); err != nil {
			return err
		}
	}
	if g.want(sZSM, pVerdachte) {
		if err := g.zsmVerdachte(h); err != nil {
			return err
		}
	}
	return nil
}

// trim keeps at most n members, keeping the first (the main person of the record).
func trim(ms []member, n int) []member {
	if len(ms) > n {
		return ms[:max(1, n)]
	}
	return ms
}

// housemate returns another member of p's household, for BSN mix-ups; nil when p lives alone.
func housemate(r *rand.Rand, p *person) *person {
	if len(p.hh.members) < 2 {
		return nil
	}
	for {
		o := p.hh.members[r.IntN(len(p.hh.members))]
		if o != p {
			return o
		}
	}
}

// recentPerson returns a person from a recent household matching ok, or nil.
func (g *generator) recentPerson(ok func(*person) bool) *person {
	for range 8 {
		h := g.pop.recent(2 + g.r.IntN(ringSize-1))
		if h == nil {
			return nil
		}
		for _, p := range h.members {
			if ok(p) {
				return p
			}
		}
	}
	return nil
}

// eventDate returns a date in the reference year, on or before the reference date.
func eventDate(r *rand.Rand) date {
	m := 1 + r.IntN(refMonth)
	d := 1 + r.IntN(canonical.DaysIn(refYear, m))
	if m == refMonth {
		d = 1 + r.IntN(refDay)
	}
	return date{refYear, m, d}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// Local ids: a person's number in each source, unique per person and stable across the source's records.
func gcosID(p *person) string {
	return fmt.Sprintf("P-%07d", permute(uint64(p.n), 10_000_000, 3_141_593, 2_718_281))
}
func vtxID(p *person) string {
	return fmt.Sprintf("VT-C-%07d", permute(uint64(p.n), 10_000_000, 1_103_517, 12_345))
}
func vtvID(p *person) string {
	return fmt.Sprintf("VR-C-%07d", permute(uint64(p.n), 10_000_000, 9_876_541, 54_321))
}
func brpKey(p *person) string { return "BRP." + p.aNummer() }
func ehvID(p *person, dup bool) string {
	if dup {
		return fmt.Sprintf("EHV-P-%08d", 20_000_000+permute(uint64(p.n), 10_000_000, 6_666_667, 4_242))
	}
	return fmt.Sprintf("EHV-P-%08d", 10_000_000+permute(uint64(p.n), 10_000_000, 5_555_557, 777))
}
func hmID(p *person, dup bool) string {
	if dup {
		return fmt.Sprintf("HM-%08d", 20_000_000+permute(uint64(p.n), 10_000_000, 7_777_771, 99))
	}
	return fmt.Sprintf("HM-%08d", 10_000_000+permute(uint64(p.n), 10_000_000, 2_222_223, 31_337))
}
