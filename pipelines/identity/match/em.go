package match

import (
	"errors"
	"fmt"
	"math"
)

// Session is the material of one expectation-maximisation run: comparisons of candidate pairs found by one
// blocking rule. The attributes the rule blocked on agree by construction in these pairs, so the session does
// not estimate them (Ignore), as Splink does; another session, blocked differently, does.
type Session struct {
	Pairs  []Comparison
	Ignore []Attribute
}

// TrainOptions tune Train. The zero value is usable.
type TrainOptions struct {
	// Start gives the starting m probabilities, the u probabilities of levels no random pair reached, and the m
	// probabilities of attributes no session estimates. Default: DefaultWeights.
	Start Weights
	// TotalPairs is the number of record pairs of the data set the sessions were blocked from (n(n−1)/2). When
	// set, Lambda is estimated as the largest expected number of matching pairs of a session over TotalPairs;
	// otherwise Start's Lambda is kept.
	TotalPairs float64
	// MaxIterations bounds the iterations of each session. Default 50.
	MaxIterations int
	// Tolerance ends a session once no m probability changes by more. Default 1e-5.
	Tolerance float64
	// Floor is the smallest m or u probability written, so that no weight is infinite. Default 1e-7.
	Floor float64
}

// setDefaults fills in what the options leave out.
func (o *TrainOptions) setDefaults() {
	if o.Start.Levels == nil {
		o.Start = DefaultWeights()
	} else {
		o.Start.Levels = cloneLevels(o.Start.Levels)
		o.Start.setDefaults()
	}
	if o.MaxIterations <= 0 {
		o.MaxIterations = 50
	}
	if o.Tolerance <= 0 {
		o.Tolerance = 1e-5
	}
	if o.Floor <= 0 {
		o.Floor = 1e-7
	}
}

// SessionReport says how one training session went.
type SessionReport struct {
	// Pairs is the number of pairs in the session.
	Pairs int
	// Iterations run.
	Iterations int
	// Converged is set when the m probabilities settled within the tolerance.
	Converged bool
	// Lambda is the estimated share of matching pairs among the session's pairs.
	Lambda float64
}

// ErrNoTrainingData is returned by Train without random pairs or without a session with pairs.
var ErrNoTrainingData = errors.New("no training data")

// probabilities are m or u per attribute and level.
type probabilities [NumAttributes][maxLevels]float64

// Train estimates m and u probabilities from unlabelled data, as Splink does: u from comparisons of random
// record pairs (almost all of which are of different persons), m by expectation-maximisation on each session
// of blocked candidate pairs with u held fixed, averaged over the sessions that estimate each attribute.
func Train(random []Comparison, sessions []Session, opts TrainOptions) (Weights, []SessionReport, error) {
	opts.setDefaults()
	if len(random) == 0 {
		return Weights{}, nil, fmt.Errorf("training: random pairs: %w", ErrNoTrainingData)
	}
	start := toProbabilities(opts.Start)
	u := estimateU(random, start, opts.Floor)

	var mSum probabilities
	var mN [NumAttributes]int
	reports := make([]SessionReport, 0, len(sessions))
	lambda := opts.Start.Lambda
	bestMatches := 0.0
	for _, s := range sessions {
		if len(s.Pairs) == 0 {
			continue
		}
		m, est, rep := emSession(s, start, u, opts)
		reports = append(reports, rep)
		for a := Attribute(0); a < NumAttributes; a++ {
			if !est[a] {
				continue
			}
			for l := 1; l < len(a.Levels()); l++ {
				mSum[a][l] += m[a][l]
			}
			mN[a]++
		}
		if matches := rep.Lambda * float64(rep.Pairs); matches > bestMatches {
			bestMatches = matches
		}
	}
	if len(reports) == 0 {
		return Weights{}, nil, fmt.Errorf("training: blocked sessions: %w", ErrNoTrainingData)
	}
	if opts.TotalPairs > 0 && bestMatches > 0 {
		lambda = min(bestMatches/opts.TotalPairs, 0.5)
	}

	w := Weights{Lambda: lambda, Levels: make(map[string]map[string]MU, NumAttributes)}
	for a := Attribute(0); a < NumAttributes; a++ {
		levels := make(map[string]MU, len(a.Levels())-1)
		for l := 1; l < len(a.Levels()); l++ {
			m := start[a][l].M
			if mN[a] > 0 {
				m = mSum[a][l] / float64(mN[a])
			}
			levels[a.LevelName(Level(l))] = MU{M: roundSig(m), U: roundSig(u[a][l])}
		}
		w.Levels[a.String()] = levels
	}
	return w, reports, nil
}

// toProbabilities reads complete weights into arrays, m and u interleaved as MU.
func toProbabilities(w Weights) [NumAttributes][maxLevels]MU {
	var p [NumAttributes][maxLevels]MU
	for a := Attribute(0); a < NumAttributes; a++ {
		for l := 1; l < len(a.Levels()); l++ {
			p[a][l] = w.Levels[a.String()][a.LevelName(Level(l))]
		}
	}
	return p
}

// estimateU returns per attribute and level the share of random pairs at that level, among the pairs where the
// attribute is not missing; a level no random pair reached keeps start's u, an attribute never present keeps
// all of start's. Shares are at least floor.
func estimateU(random []Comparison, start [NumAttributes][maxLevels]MU, floor float64) probabilities {
	var counts [NumAttributes][maxLevels]float64
	for _, c := range random {
		for a, l := range c.Levels {
			counts[a][l]++
		}
	}
	var u probabilities
	for a := Attribute(0); a < NumAttributes; a++ {
		present := 0.0
		for l := 1; l < len(a.Levels()); l++ {
			present += counts[a][l]
		}
		for l := 1; l < len(a.Levels()); l++ {
			switch {
			case present == 0 || counts[a][l] == 0:
				u[a][l] = min(start[a][l].U, 1)
			default:
				u[a][l] = counts[a][l] / present
			}
			u[a][l] = max(u[a][l], floor)
		}
	}
	return u
}

// pattern is a distinct vector of comparison levels with its number of pairs. Training estimates the weights of
// levels; the frequency shifts of names play no part in it.
type pattern struct {
	c [NumAttributes]Level
	n float64
}

// emSession runs expectation-maximisation on one session with u fixed. It returns the m probabilities, which
// attributes it estimated, and a report.
func emSession(s Session, start [NumAttributes][maxLevels]MU, u probabilities, opts TrainOptions) (probabilities, [NumAttributes]bool, SessionReport) {
	var ignore [NumAttributes]bool
	for _, a := range s.Ignore {
		if a < NumAttributes {
			ignore[a] = true
		}
	}
	index := make(map[[NumAttributes]Level]int)
	var pats []pattern
	var present [NumAttributes]bool
	var seen [NumAttributes][maxLevels]bool
	for _, pair := range s.Pairs {
		c := pair.Levels
		for a := range c {
			if ignore[a] {
				c[a] = LevelMissing
			} else if c[a] != LevelMissing {
				present[a] = true
				seen[a][c[a]] = true
			}
		}
		if i, ok := index[c]; ok {
			pats[i].n++
			continue
		}
		index[c] = len(pats)
		pats = append(pats, pattern{c: c, n: 1})
	}
	var est [NumAttributes]bool
	var m probabilities
	for a := Attribute(0); a < NumAttributes; a++ {
		est[a] = present[a] && !ignore[a]
		for l := 1; l < len(a.Levels()); l++ {
			m[a][l] = start[a][l].M
		}
	}

	rep := SessionReport{Pairs: len(s.Pairs)}
	lambda := 0.3
	total := float64(len(s.Pairs))
	var evidence [NumAttributes]float64 // matching pairs, by their posterior, that hold the attribute
	for rep.Iterations < opts.MaxIterations {
		rep.Iterations++
		var num probabilities
		matched := 0.0
		for _, p := range pats {
			pm, pu := lambda, 1-lambda
			for a, l := range p.c {
				if l != LevelMissing {
					pm *= m[a][l]
					pu *= u[a][l]
				}
			}
			post := 0.0
			if pm+pu > 0 {
				post = pm / (pm + pu)
			}
			w := post * p.n
			matched += w
			for a, l := range p.c {
				num[a][l] += w
			}
		}
		lambda = min(max(matched/total, 1e-9), 1-1e-9)
		change := 0.0
		for a := Attribute(0); a < NumAttributes; a++ {
			if !est[a] {
				continue
			}
			sum := 0.0
			for l := 1; l < len(a.Levels()); l++ {
				sum += num[a][l]
			}
			if evidence[a] = sum; sum < minMatchEvidence {
				// Too few matching pairs hold the attribute to tell its m from their chance: it keeps start's.
				continue
			}
			// A level no pair of the session reached says nothing of its m, which keeps start's; the levels
			// reached share what is left.
			norm, kept := 0.0, 0.0
			for l := 1; l < len(a.Levels()); l++ {
				if !seen[a][l] {
					kept += m[a][l]
					continue
				}
				num[a][l] = max(num[a][l]/sum, opts.Floor)
				norm += num[a][l]
			}
			for l := 1; l < len(a.Levels()); l++ {
				if !seen[a][l] {
					continue
				}
				v := num[a][l] / norm * max(1-kept, opts.Floor)
				change = max(change, math.Abs(v-m[a][l]))
				m[a][l] = v
			}
		}
		if change < opts.Tolerance {
			rep.Converged = true
			break
		}
	}
	rep.Lambda = lambda
	for a := range est {
		est[a] = est[a] && evidence[a] >= minMatchEvidence
	}
	return m, est, rep
}

// minMatchEvidence is the fewest matching pairs (by their posterior) holding an attribute from which a session
// estimates its m probabilities. An attribute that matching pairs seldom hold on both sides (an a-nummer, which
// only the BRP's records carry, one per person) would otherwise get the m of whatever few pairs have it, down to
// the floor for a level no match reaches: an equal number weighing against a link.
const minMatchEvidence = 20

// roundSig rounds a probability to four significant digits, so that written configuration stays readable.
func roundSig(x float64) float64 {
	if x == 0 {
		return 0
	}
	e := math.Floor(math.Log10(math.Abs(x)))
	f := math.Pow(10, 3-e)
	return math.Round(x*f) / f
}
