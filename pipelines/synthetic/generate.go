package synthetic

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Source indexes, in the order of Sources.
const (
	sEHV = iota
	sHM
	sGCOS
	sZSM
	sVTX
	sVTV
	sBRP
	nSources
)

// srcState is the generator's bookkeeping for one source.
type srcState struct {
	name    string
	enabled bool
	quota   int
	done    int // person-records written
	sum     SourceSummary
	rot     *rotator
	seen    bitset // persons whose local id is in the truth file
	seenDup bitset // persons whose second gemeente number is in the truth file
}

// generator writes all sources in one pass over a population made household by household.
type generator struct {
	opt   Options
	l     *lists
	pop   *populator
	src   [nSources]*srcState
	r     *rand.Rand // event stream of the current household
	badR  *rand.Rand
	truth *bufio.Writer
	tf    *os.File
	total int // person-records written
	lines int

	// Running numbers.
	cases, messages, meldingen, dossiers, kennisgevingen int

	buf []byte
}

// Generate writes deterministic synthetic data for the sources in opt, the ground truth (truth.csv) and a
// manifest (manifest.json) into opt.Out. The same options give byte-identical output. Memory stays bounded:
// persons are made household by household and written as they are made.
func Generate(ctx context.Context, opt Options) (Summary, error) {
	opt.setDefaults()
	if err := opt.Validate(); err != nil {
		return Summary{}, err
	}
	l, err := loadLists()
	if err != nil {
		return Summary{}, fmt.Errorf("loading lists: %w", err)
	}
	g := &generator{opt: opt, l: l, pop: newPopulator(uint64(opt.Seed), l),
		badR: rand.New(rand.NewPCG(uint64(opt.Seed), math.MaxUint64))}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return Summary{}, fmt.Errorf("creating output directory: %w", err)
	}
	g.setup()
	sum, err := g.run(ctx)
	if cerr := g.closeAll(); err == nil {
		err = cerr
	}
	if err != nil {
		return Summary{}, err
	}
	for _, s := range g.src {
		if !s.enabled {
			continue
		}
		if s.rot != nil {
			s.sum.Files = s.rot.files
		}
		for j, f := range s.sum.Files {
			if rel, err := filepath.Rel(opt.Out, f); err == nil {
				s.sum.Files[j] = filepath.ToSlash(rel)
			}
		}
		sum.Sources = append(sum.Sources, s.sum)
	}
	sum.TruthLines = g.lines
	m, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return Summary{}, fmt.Errorf("writing manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(opt.Out, "manifest.json"), append(m, '\n'), 0o644); err != nil {
		return Summary{}, fmt.Errorf("writing manifest: %w", err)
	}
	return sum, nil
}

// setup divides the records over the chosen sources by their share and prepares their writers.
func (g *generator) setup() {
	var shareSum float64
	for _, s := range g.opt.Sources {
		shareSum += Share[s]
	}
	left := g.opt.Records
	var last *srcState
	for i, name := range Sources {
		st := &srcState{name: name, enabled: slices.Contains(g.opt.Sources, name)}
		st.sum.Source = name
		g.src[i] = st
		if !st.enabled {
			continue
		}
		st.quota = int(math.Round(float64(g.opt.Records) * Share[name] / shareSum))
		st.quota = min(st.quota, left)
		left -= st.quota
		last = st
	}
	last.quota += left // rounding remainder
	dir := func(name string) string { return filepath.Join(g.opt.Out, name) }
	n := g.opt.FileRecords
	g.src[sGCOS].rot = &rotator{dir: dir(SourceGCOS), pattern: "casus-export-%05d.xml", max: n,
		header: gcosHeader, footer: []byte("\n</gcos:casusExport>\n")}
	g.src[sZSM].rot = &rotator{dir: dir(SourceZSM), pattern: "zaakberichten-%05d.xml", max: n,
		header: zsmHeader, footer: []byte("\n</zsm:zaakBerichten>\n")}
	g.src[sVTX].rot = &rotator{dir: dir(SourceVeiligThuisXML), pattern: "meldingen-%05d.xml", max: n,
		header: vtHeader, footer: []byte("\n</vt:meldingenExport>\n")}
	g.src[sVTV].rot = &rotator{dir: dir(SourceVeiligThuisVast), pattern: "meldingen-vast-%05d.txt", max: n}
	g.src[sEHV].rot = &rotator{dir: dir(SourceGemeenteEindhoven), pattern: "eindhoven-%05d.csv", max: n,
		header: eindhovenHeader}
	g.src[sHM].rot = &rotator{dir: dir(SourceGemeenteHelmond), pattern: "helmond-%05d.csv", max: n,
		header: helmondHeader}
}

func (g *generator) run(ctx context.Context) (Summary, error) {
	name := filepath.Join(g.opt.Out, "truth.csv")
	f, err := os.Create(name)
	if err != nil {
		return Summary{}, fmt.Errorf("creating truth file: %w", err)
	}
	g.tf, g.truth = f, bufio.NewWriterSize(f, 256<<10)
	if _, err := g.truth.WriteString("source,local_id,person_id\n"); err != nil {
		return Summary{}, fmt.Errorf("writing truth file: %w", err)
	}
	start, lastReport := time.Now(), time.Now()
	for g.total < g.opt.Records {
		if err := ctx.Err(); err != nil {
			return Summary{}, fmt.Errorf("generating: %w", err)
		}
		if g.pop.made > 50*g.opt.Records+1000 {
			return Summary{}, fmt.Errorf("generating: no progress after %d households", g.pop.made)
		}
		h, err := g.pop.household()
		if err != nil {
			return Summary{}, fmt.Errorf("generating: %w", err)
		}
		g.r = g.pop.rng(h.n, 1)
		if err := g.events(h); err != nil {
			return Summary{}, err
		}
		if g.opt.Progress != nil && time.Since(lastReport) >= time.Second {
			lastReport = time.Now()
			g.report(start)
		}
	}
	if g.opt.Progress != nil {
		g.report(start)
	}
	return Summary{Seed: g.opt.Seed, Records: g.total, BadRate: g.opt.BadRate, Persons: g.pop.next,
		Truth: "truth.csv"}, nil
}

func (g *generator) report(start time.Time) {
	el := time.Since(start).Seconds()
	fmt.Fprintf(g.opt.Progress, "generate: %d/%d records (%.1f%%), %.0f records/s\n",
		g.total, g.opt.Records, 100*float64(g.total)/float64(g.opt.Records), float64(g.total)/max(el, 1e-9))
}

func (g *generator) closeAll() error {
	var first error
	for _, s := range g.src {
		if s != nil && s.rot != nil {
			if err := s.rot.close(); err != nil && first == nil {
				first = err
			}
		}
	}
	if g.truth != nil {
		if err := g.truth.Flush(); err != nil && first == nil {
			first = fmt.Errorf("writing truth file: %w", err)
		}
		if err := g.tf.Close(); err != nil && first == nil {
			first = fmt.Errorf("writing truth file: %w", err)
		}
	}
	return first
}

// left returns how many person-records source s may still write.
func (g *generator) left(s int) int {
	st := g.src[s]
	if !st.enabled {
		return 0
	}
	return st.quota - st.done
}

// want draws whether an event of source s happens, with base probability p scaled by how far the source lags
// behind (or runs ahead of) the others, so that all sources fill their quota at about the same time.
func (g *generator) want(s int, p float64) bool {
	st := g.src[s]
	if !st.enabled || st.done >= st.quota {
		return false
	}
	ownLeft := float64(st.quota-st.done) / float64(st.quota)
	allLeft := float64(g.opt.Records-g.total) / float64(g.opt.Records)
	f := max(0.25, min(4, ownLeft/allLeft))
	return g.r.Float64() < min(1, p*f)
}

// bad draws whether the next unit is made deliberately invalid.
func (g *generator) bad() bool {
	return g.opt.BadRate > 0 && g.badR.Float64() < g.opt.BadRate
}

// member is one person in one record, as the source records them.
type member struct {
	p    *person
	id   string // the source's local id for the person
	dup  bool   // id is the person's second gemeente number
	once bool   // id is unique to this record (a ZSM slachtoffer)
	role string
	v    view
}

// account records a unit written for source s: its members count as person-records and, when the unit is
// good, get their truth lines.
func (g *generator) account(s int, ms []member, bad bool) error {
	st := g.src[s]
	st.done += len(ms)
	g.total += len(ms)
	st.sum.Records += len(ms)
	st.sum.Units++
	if bad {
		st.sum.Bad++
		st.sum.BadRecords += len(ms)
		return nil
	}
	for i := range ms {
		m := &ms[i]
		if !m.once {
			set := &st.seen
			if m.dup {
				set = &st.seenDup
			}
			if set.testSet(m.p.n) {
				continue
			}
		}
		st.sum.TruthLines++
		g.lines++
		g.buf = append(g.buf[:0], st.name...)
		g.buf = append(g.buf, ',')
		g.buf = append(g.buf, m.id...)
		g.buf = append(g.buf, ',')
		g.buf = append(g.buf, m.p.id()...)
		g.buf = append(g.buf, '\n')
		if _, err := g.truth.Write(g.buf); err != nil {
			return fmt.Errorf("writing truth file: %w", err)
		}
	}
	return nil
}

// bitset is a growable set of person numbers: one bit per person, so a million persons take 125 kB.
type bitset []uint64

// testSet reports whether i is in the set and adds it.
func (b *bitset) testSet(i int) bool {
	w := i >> 6
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	bit := uint64(1) << (i & 63)
	was := (*b)[w]&bit != 0
	(*b)[w] |= bit
	return was
}
