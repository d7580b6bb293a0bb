package synthetic

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
)

func TestIdentifiersValidAndUnique(t *testing.T) {
	const n = 200_000
	bsns := make(map[string]bool, n)
	skns := make(map[string]bool, n)
	anrs := make(map[string]bool, n)
	sknRe := regexp.MustCompile(`^[1-9][0-9]{7}$`)
	anrRe := regexp.MustCompile(`^[1-9][0-9]{9}$`)
	for i := range n {
		b := bsnFor(i)
		if !canonical.IsNormalBSN(b) || b[0] == '0' {
			t.Fatalf("bsnFor(%d) = %s fails the elfproef", i, b)
		}
		s, a := sknFor(i), aNummerFor(i)
		if !sknRe.MatchString(s) || !anrRe.MatchString(a) {
			t.Fatalf("person %d: skn %s, a-nummer %s: wrong form", i, s, a)
		}
		if bsns[b] || skns[s] || anrs[a] {
			t.Fatalf("person %d: identifier collides with an earlier person", i)
		}
		bsns[b], skns[s], anrs[a] = true, true, true
	}
	// The last person number the schemes support still gets a valid BSN.
	if b := bsnFor(maxIndex - 1); !canonical.IsNormalBSN(b) {
		t.Errorf("bsnFor(maxIndex-1) = %s fails the elfproef", b)
	}
}

func TestBreakBSNAlwaysFails(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 10_000 {
		if b := breakBSN(r, bsnFor(i)); canonical.IsNormalBSN(b) || len(b) != 9 {
			t.Fatalf("breakBSN(%s) = %s still passes", bsnFor(i), b)
		}
	}
}

func TestPostcodeInRange(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	p := &place{name: "Helmond", pcFrom: 5701, pcTo: 5709}
	re := regexp.MustCompile(`^570[1-9][A-Z]{2}$`)
	for range 1000 {
		pc := postcode(r, p)
		if !re.MatchString(pc) {
			t.Fatalf("postcode %s outside 5701-5709", pc)
		}
		if l := pc[4:]; l == "SA" || l == "SD" || l == "SS" {
			t.Fatalf("postcode %s uses letters never issued", pc)
		}
	}
}
