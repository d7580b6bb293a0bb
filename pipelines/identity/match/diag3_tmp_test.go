package match

import (
	"testing"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
)

func TestDiagGiven(t *testing.T) {
	m, _ := NewModel(DefaultConfig())
	d := fromSet("linkage", matchtest.Febrl(12, matchtest.FEBRL4))
	cands, _ := d.candidates()
	n := 0
	for _, p := range cands {
		a, b := &d.features[p.j], &d.features[p.i]
		c := Compare(a, b)
		o := m.Decide(c)
		if d.entity[p.i] == d.entity[p.j] && o.Rule == RuleGivenNamesDiffer && n < 40 {
			n++
			t.Logf("%q | %q  (sur %q %q) %s", a.GivenNames, b.GivenNames, a.Surname, b.Surname, AttrGivenNames.LevelName(c.Levels[AttrGivenNames]))
		}
	}
}
