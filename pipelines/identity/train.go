package identity

import (
	"errors"
	"math/rand/v2"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// TrainOptions tune Train.
type TrainOptions struct {
	// RandomPairs is the number of random record pairs u is estimated from. Default 200,000.
	RandomPairs int
	// MaxBlock caps the records of one block that are paired; larger blocks are left out. Default 50.
	MaxBlock int
	// Seed makes the random pairs reproducible. Default 1.
	Seed uint64
	// Start gives the starting weights; default match.DefaultWeights.
	Start match.Weights
}

// TrainingSession names an expectation-maximisation session: the blocking key its pairs share and the
// attributes that key makes agree, which the session therefore does not estimate.
type TrainingSession struct {
	Key    match.KeyKind
	Ignore []match.Attribute
}

// TrainingSessions are the sessions Train runs, Splink style: each attribute is estimated by a session that did
// not block on it.
var TrainingSessions = []TrainingSession{
	{match.KeyBirthName, []match.Attribute{match.AttrBirthDate, match.AttrSurname, match.AttrGivenNames}},
	{match.KeyNames, []match.Attribute{match.AttrSurname, match.AttrGivenNames}},
	{match.KeyAddressInitial, []match.Attribute{match.AttrAddress, match.AttrGivenNames}},
	{match.KeyBSN, []match.Attribute{match.AttrBSN}},
}

// Train estimates m and u probabilities from unlabelled person records: u from random pairs, m by
// expectation-maximisation on the candidate pairs of each of TrainingSessions. It needs no ground truth; the
// result is meant for the `identity.match.weights` of the configuration, reviewed before use.
func Train(persons []canonical.Person, opts TrainOptions) (match.Weights, []match.SessionReport, error) {
	if len(persons) < 2 {
		return match.Weights{}, nil, errors.New("training needs at least two person records")
	}
	if opts.RandomPairs == 0 {
		opts.RandomPairs = 200000
	}
	if opts.MaxBlock == 0 {
		opts.MaxBlock = 50
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Start.Levels == nil {
		opts.Start = match.DefaultWeights()
	}
	features := make([]match.Features, len(persons))
	for i, p := range persons {
		features[i] = match.Prepare(p)
	}

	r := rand.New(rand.NewPCG(opts.Seed, 0x6b70))
	random := make([]match.Comparison, 0, opts.RandomPairs)
	for len(random) < opts.RandomPairs {
		a, b := r.IntN(len(features)), r.IntN(len(features))
		if a != b {
			random = append(random, match.Compare(&features[a], &features[b]))
		}
	}

	// Every pair of a block of stored keys is a candidate, whatever the keys' roles: the names session pairs all
	// namesakes, also two with complete birth dates that resolving would not compare, since those pairs are the
	// ones that estimate the birth date.
	blocks := map[match.Key][]int32{}
	var keys []match.Key
	for i := range features {
		keys = match.AppendKeys(keys[:0], &features[i])
		for _, k := range keys {
			if k.Stored() {
				k.Role = match.Stored
				blocks[k] = append(blocks[k], int32(i))
			}
		}
	}
	type pair struct{ a, b int32 }
	byKind := map[match.KeyKind]map[pair]bool{}
	for k, recs := range blocks {
		if len(recs) < 2 || len(recs) > opts.MaxBlock {
			continue
		}
		seen := byKind[k.Kind]
		if seen == nil {
			seen = map[pair]bool{}
			byKind[k.Kind] = seen
		}
		for x := 0; x < len(recs); x++ {
			for y := x + 1; y < len(recs); y++ {
				seen[pair{recs[x], recs[y]}] = true
			}
		}
	}
	var sessions []match.Session
	for _, ts := range TrainingSessions {
		s := match.Session{Ignore: ts.Ignore}
		for p := range byKind[ts.Key] {
			s.Pairs = append(s.Pairs, match.Compare(&features[p.a], &features[p.b]))
		}
		if len(s.Pairs) > 0 {
			sessions = append(sessions, s)
		}
	}
	if len(sessions) == 0 {
		return match.Weights{}, nil, errors.New("training found no candidate pairs: the records share no blocking key")
	}
	n := float64(len(features))
	return match.Train(random, sessions, match.TrainOptions{Start: opts.Start, TotalPairs: n * (n - 1) / 2})
}
