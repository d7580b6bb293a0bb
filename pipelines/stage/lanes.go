package stage

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/identity"
)

// lanes stores the outcomes of one input in transactions of up to ChunkSize, on Lanes goroutines at once. A
// record always takes the lane of its local id, so two versions of one record in an input are stored in their
// order; the other records of a chunk are independent of it. Reading and mapping go on while chunks are stored.
type lanes struct {
	s    *Stage
	prov canonical.Provenance
	ctx  context.Context
	stop context.CancelCauseFunc

	seed    maphash.Seed
	batches [][]item
	in      []chan []item
	wg      sync.WaitGroup

	mu     sync.Mutex
	counts Counts
	err    error // the first store error
}

func (s *Stage) newLanes(ctx context.Context, prov canonical.Provenance) *lanes {
	n := max(s.Lanes, 1)
	ctx, stop := context.WithCancelCause(ctx)
	l := &lanes{s: s, prov: prov, ctx: ctx, stop: stop, seed: maphash.MakeSeed(),
		batches: make([][]item, n), in: make([]chan []item, n)}
	for i := range l.in {
		l.in[i] = make(chan []item, 1)
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for batch := range l.in[i] {
				if l.firstErr() != nil {
					continue // drain: the input is given up and will be delivered again
				}
				l.store(batch)
			}
		}()
	}
	return l
}

// add queues an outcome on its lane and hands the lane a full chunk. It returns the first store error, so the
// reader stops.
func (l *lanes) add(it item) error {
	i := 0
	if n := len(l.batches); n > 1 {
		key := it.prov.LocalID
		if it.o.Rejection == nil {
			key = it.o.Canonical.Provenance.LocalID
		}
		i = int(maphash.String(l.seed, key) % uint64(n))
	}
	l.batches[i] = append(l.batches[i], it)
	if len(l.batches[i]) >= l.s.ChunkSize {
		l.hand(i)
	}
	return l.firstErr()
}

// hand gives lane i its chunk, or, once the input is stopped, records that the chunk was not stored.
func (l *lanes) hand(i int) {
	batch := l.batches[i]
	l.batches[i] = nil
	if len(batch) == 0 {
		return
	}
	if l.ctx.Err() == nil {
		select {
		case l.in[i] <- batch:
			return
		case <-l.ctx.Done():
		}
	}
	l.fail(context.Cause(l.ctx)) // not stored: never report the input done
}

// fail records err as the first error, if none is, and stops the lanes.
func (l *lanes) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		l.err = err
		l.stop(err)
	}
}

// close stores what is left, waits for every lane, and returns the counts and the first store error.
func (l *lanes) close() (Counts, error) {
	for i := range l.batches {
		l.hand(i)
		close(l.in[i])
	}
	l.wg.Wait()
	l.stop(nil)
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts, l.err
}

// store writes one chunk in a transaction of its own and counts it. A chunk that deadlocks with another
// transaction twice is stored as two halves, one after the other, down to single records: their locks are fewer
// and held for shorter, so concurrent lanes and handlers make progress where whole chunks would keep colliding.
func (l *lanes) store(batch []item) {
	var (
		resolved []identity.Result
		took     time.Duration
	)
	s := l.s
	attempts := 5
	if len(batch) > 1 {
		attempts = 2
	}
	err := s.inTxAttempts(l.ctx, attempts, func(tx pgx.Tx) (err error) {
		resolved, took, err = s.store(l.ctx, tx, batch)
		return err
	})
	if len(batch) > 1 && identity.Retryable(err) && l.ctx.Err() == nil {
		half := len(batch) / 2
		l.store(batch[:half])
		if l.firstErr() == nil {
			l.store(batch[half:])
		}
		return
	}
	if err != nil {
		l.fail(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil {
		s.Metrics.resolved(l.prov.Source, resolved, took)
	}
	for _, it := range batch {
		if it.o.Rejection != nil {
			l.counts.Rejected++
		} else {
			l.counts.Records++
		}
		if err == nil {
			s.count(l.prov.Source, it.o)
		}
	}
}

func (l *lanes) firstErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}
