package identity

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
	"github.com/ketenpoort/ketenpoort/pipelines/store"
)

// Environment of the helper processes of TestConcurrentProcesses.
const (
	envHelperURL    = "IDENTITY_TEST_HELPER_URL"
	envHelperWorker = "IDENTITY_TEST_HELPER_WORKER"
)

// crowd returns, for each of n persons, copies records of it in as many sources, all with the same valid BSN
// and name, so that they all match: any second person among them is a race lost.
func crowd(n, copies int) [][]canonical.Person {
	g := matchtest.NewGenerator(42)
	out := make([][]canonical.Person, n)
	for i, e := range g.Population(n) {
		for c := range copies {
			p := g.Record(e, matchtest.Light, true)
			p.Identifiers = nil
			id, _ := canonical.BSNIdentifier(e.BSN, "BRP")
			p.Identifiers = append(p.Identifiers, id)
			p.Provenance = canonical.Provenance{Source: "src" + strconv.Itoa(c), LocalID: strconv.Itoa(i)}
			out[i] = append(out[i], p)
		}
	}
	return out
}

func TestConcurrentGoroutinesMakeOnePerson(t *testing.T) {
	r, pool, _ := newIndex(t)
	const persons, workers = 40, 8
	recs := crowd(persons, workers)
	for i := range recs {
		race(t, workers, func(w int) error {
			_, err := r.ResolveOne(context.Background(), recs[i][w])
			return err
		})
	}
	checkCrowd(t, r, recs)
	if n := count(t, pool, `SELECT count(*) FROM persons`); n != persons {
		t.Errorf("%d person ids minted, want %d", n, persons)
	}
}

// TestConcurrentResolveManyMakesOnePerson resolves the records of the same persons by ResolveMany (ResolveTogether)
// from several goroutines at the same time, each its copies of ten persons per transaction, in another order per
// goroutine (a rotation, reversed for every other goroutine).
func TestConcurrentResolveManyMakesOnePerson(t *testing.T) {
	r, pool, _ := newIndex(t)
	const persons, workers, chunk = 60, 8, 10
	recs := crowd(persons, workers)
	race(t, workers, func(w int) error {
		order := make([]canonical.Person, 0, persons)
		for i := range persons {
			k := (i + 7*w) % persons
			if w%2 == 1 {
				k = persons - 1 - k
			}
			order = append(order, recs[k][w])
		}
		for c := 0; c < persons; c += chunk {
			if _, err := r.ResolveTogether(context.Background(), order[c:c+chunk]); err != nil {
				return err
			}
		}
		return nil
	})
	checkCrowd(t, r, recs)
	if n := count(t, pool, `SELECT count(*) FROM persons`); n != persons {
		t.Errorf("%d person ids minted, want %d", n, persons)
	}
	// A ResolveMany takes the key locks of all its records at once, in one order: transactions over the same
	// keys wait for one another instead of deadlocking (before, each group of records took its own, and this race
	// deadlocked once a run; a gateway storing chunks on four lanes dozens of times an export).
	if _, err := pool.Exec(context.Background(), `SELECT pg_stat_force_next_flush()`); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`); n != 0 {
		t.Errorf("%d deadlocks, want none", n)
	}
}

// TestConcurrentNamesakesStayApart races, for several families, copies of a father's record, of his namesake son's
// (same names and address, another birth date) and of an undated record that matches both, all resolved at the
// same moment from several goroutines in different orders: the copies of the father make one person, those of the
// son another, and no undated record, however the race runs, joins the two. Dated and undated records find each
// other through different key kinds (names stored, names-undated probed and the other way round), so this checks
// that the advisory locks cover both roles.
func TestConcurrentNamesakesStayApart(t *testing.T) {
	r, _, _ := newIndex(t)
	const families, workers = 6, 8
	given := []string{"Jan Pieter", "Mohamed Ali", "Hendrik Jan", "Cornelis Johannes", "Kees Willem", "Ahmet Emre"}
	surnames := [][2]string{{"de", "Vries"}, {"El", "Amrani"}, {"van der", "Meer"}, {"", "Jansen"}, {"", "Bakker"}, {"", "Yılmaz"}}
	record := func(f, w int, kind string, birth *canonical.PartialDate) canonical.Person {
		return canonical.Person{
			Provenance: canonical.Provenance{Source: "src" + strconv.Itoa(w), LocalID: kind + strconv.Itoa(f)},
			Name:       canonical.Name{GivenNames: given[f], SurnamePrefix: surnames[f][0], Surname: surnames[f][1]},
			BirthDate:  birth, Gender: canonical.GenderMale,
			Addresses: []canonical.Address{{Postcode: fmt.Sprintf("56%02dAB", 11+f), HouseNumber: 3 + f}},
		}
	}
	fathers, sons := make([][]canonical.Person, families), make([][]canonical.Person, families)
	var undated [][]canonical.Person
	for f := range families {
		undated = append(undated, nil)
		for w := range workers {
			fathers[f] = append(fathers[f], record(f, w, "F", &canonical.PartialDate{Year: 1960 + f, Month: 3, Day: 4 + f}))
			sons[f] = append(sons[f], record(f, w, "S", &canonical.PartialDate{Year: 1988 + f, Month: 7, Day: 9 + f}))
			undated[f] = append(undated[f], record(f, w, "U", nil))
		}
	}
	race(t, workers, func(w int) error {
		for k := range families {
			f := (k + w) % families
			order := []canonical.Person{fathers[f][w], sons[f][w], undated[f][w]}
			// Each worker takes the three in another order.
			for i := range order {
				p := order[(i+w)%3]
				if w%2 == 1 {
					p = order[(2*i+w)%3]
				}
				if _, err := r.ResolveOne(context.Background(), p); err != nil {
					return err
				}
			}
		}
		return nil
	})
	groups := make([][]canonical.Person, 0, 2*families)
	groups = append(groups, fathers...)
	groups = append(groups, sons...)
	checkCrowd(t, r, groups)
}

// race runs f for workers goroutines released at the same moment, and fails t with the first error.
func race(t *testing.T, workers int, f func(w int) error) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := f(w); err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestConcurrentProcesses resolves the records of the same persons from separate processes (this test binary run
// again as a helper) and from this one at the same time.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	r, pool, url := newIndex(t)
	const persons, helpers = 60, 2
	recs := crowd(persons, helpers+1)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	for w := range helpers {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), envHelperURL+"="+url, envHelperWorker+"="+strconv.Itoa(w))
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for i := range recs {
		if _, err := r.ResolveOne(context.Background(), recs[i][helpers]); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper process: %v", err)
		}
	}
	checkCrowd(t, r, recs)
	if n := count(t, pool, `SELECT count(*) FROM persons`); n != persons {
		t.Errorf("%d person ids minted, want %d", n, persons)
	}
}

// helperProcess runs a helper process of TestConcurrentProcesses when the environment says so, and reports
// whether it did.
func helperProcess() bool {
	url := os.Getenv(envHelperURL)
	if url == "" {
		return false
	}
	w, _ := strconv.Atoi(os.Getenv(envHelperWorker))
	if err := runHelper(url, w); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	return true
}

func runHelper(url string, w int) error {
	ctx := context.Background()
	pool, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	r, err := New(pool, Config{})
	if err != nil {
		return err
	}
	for _, rs := range crowd(60, 3) {
		if _, err := r.ResolveOne(ctx, rs[w]); err != nil {
			return err
		}
	}
	return nil
}

// checkCrowd checks that the records of each person of the crowd share one person and no two persons share one.
func checkCrowd(t *testing.T, r *Resolver, recs [][]canonical.Person) {
	t.Helper()
	seen := map[string]int{}
	for i, rs := range recs {
		ids := map[string]bool{}
		for _, p := range rs {
			id, err := r.PersonOf(context.Background(), p.Provenance.Source, p.Provenance.LocalID)
			if err != nil {
				t.Fatal(err)
			}
			ids[id] = true
			if j, ok := seen[id]; ok && j != i {
				t.Errorf("persons %d and %d share %s", i, j, id)
			}
			seen[id] = i
		}
		if len(ids) != 1 {
			t.Errorf("the records of person %d are in %d persons", i, len(ids))
		}
	}
}
