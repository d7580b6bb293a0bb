package synthetic

import (
	"bufio"
	"embed"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

//go:embed data/*.txt
var dataFS embed.FS

// place is a town with its real four-digit postcode range and the Veilig Thuis region that serves it.
type place struct {
	name     string
	pcFrom   int
	pcTo     int
	region   string
	cumWeigh int
}

// surname is a geslachtsnaam with its voorvoegsel ("van der", "de"), empty when it has none.
type surname struct {
	prefix string
	name   string
}

// lists holds the embedded name, street and place lists, with Zipf-like cumulative weights so that the first
// entries of a list are drawn most often, as in real name frequencies.
type lists struct {
	male, female     weighted[string]
	prefixed, plain  weighted[surname]
	streets          []string
	places           []place
	placeTotalWeight int
}

// weighted is a list drawn with weight 1/(rank+5): a flattened Zipf distribution.
type weighted[T any] struct {
	items []T
	cum   []float64
}

func newWeighted[T any](items []T) weighted[T] {
	w := weighted[T]{items: items, cum: make([]float64, len(items))}
	var sum float64
	for i := range items {
		sum += 1 / (float64(i) + 5)
		w.cum[i] = sum
	}
	return w
}

func (w weighted[T]) draw(r *rand.Rand) T {
	x := r.Float64() * w.cum[len(w.cum)-1]
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if w.cum[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return w.items[lo]
}

// loadLists reads the embedded lists. They are part of the binary, so an error is a programming error.
func loadLists() (*lists, error) {
	read := func(name string) ([]string, error) {
		f, err := dataFS.Open("data/" + name)
		if err != nil {
			return nil, fmt.Errorf("opening list %s: %w", name, err)
		}
		defer f.Close()
		var out []string
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			out = append(out, line)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("reading list %s: %w", name, err)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("reading list %s: empty", name)
		}
		return out, nil
	}
	l := &lists{}
	m, err := read("voornamen-m.txt")
	if err != nil {
		return nil, err
	}
	v, err := read("voornamen-v.txt")
	if err != nil {
		return nil, err
	}
	l.male, l.female = newWeighted(m), newWeighted(v)
	sn, err := read("geslachtsnamen.txt")
	if err != nil {
		return nil, err
	}
	var pre, plain []surname
	for _, s := range sn {
		if p, n, ok := strings.Cut(s, "|"); ok {
			pre = append(pre, surname{prefix: p, name: n})
		} else {
			plain = append(plain, surname{name: s})
		}
	}
	l.prefixed, l.plain = newWeighted(pre), newWeighted(plain)
	if l.streets, err = read("straten.txt"); err != nil {
		return nil, err
	}
	pl, err := read("plaatsen.txt")
	if err != nil {
		return nil, err
	}
	for _, line := range pl {
		f := strings.Split(line, ";")
		if len(f) != 5 {
			return nil, fmt.Errorf("reading list plaatsen.txt: line %q: want 5 fields", line)
		}
		from, err1 := strconv.Atoi(f[1])
		to, err2 := strconv.Atoi(f[2])
		w, err3 := strconv.Atoi(f[4])
		if err1 != nil || err2 != nil || err3 != nil || from > to || w <= 0 {
			return nil, fmt.Errorf("reading list plaatsen.txt: line %q: bad numbers", line)
		}
		l.placeTotalWeight += w
		l.places = append(l.places, place{name: f[0], pcFrom: from, pcTo: to, region: f[3], cumWeigh: l.placeTotalWeight})
	}
	return l, nil
}

func (l *lists) place(r *rand.Rand) *place {
	x := r.IntN(l.placeTotalWeight)
	for i := range l.places {
		if x < l.places[i].cumWeigh {
			return &l.places[i]
		}
	}
	return &l.places[len(l.places)-1]
}

// voorvoegselRate is the share of Dutch surnames with a voorvoegsel (de, van, van der, ...).
const voorvoegselRate = 0.30

func (l *lists) surname(r *rand.Rand) surname {
	if r.Float64() < voorvoegselRate {
		return l.prefixed.draw(r)
	}
	return l.plain.draw(r)
}

// normalInt draws an integer from a normal distribution, clamped to [lo, hi].
func normalInt(r *rand.Rand, mean, sd float64, lo, hi int) int {
	v := int(math.Round(r.NormFloat64()*sd + mean))
	return max(lo, min(hi, v))
}
