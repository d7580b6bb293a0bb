package stage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/source"
)

// Input is one input of ProcessMany: its provenance (as for Process) and how to open it.
type Input struct {
	Prov canonical.Provenance
	Open func() (io.ReadSeekCloser, error)
}

// ManyOptions tune ProcessMany. The zero value is usable.
type ManyOptions struct {
	// Workers is the number of inputs read and mapped at the same time. Default runtime.NumCPU().
	Workers int
	// Done, when set, is called in input order once an input's outcomes are all stored, with its counts.
	Done func(i int, c Counts)
	// Stored, when set, is called right after each transaction commits, once for every input with records in
	// it, in input order: the mapped records of the i-th input that the transaction stored, in the input's order.
	// Rejections are not passed on, and nothing of a transaction that failed. The callee may keep recs; a slow
	// callee holds the writer up.
	Stored func(i int, recs []canonical.Record)
}

// ProcessMany processes inputs as Process would each in turn, and stores the same rows with the same ids, but
// faster: Workers inputs are read, mapped and encoded at the same time while one writer stores the outcomes in
// input order, in transactions of up to ChunkSize outcomes that may span inputs. Storing in input order keeps
// "the last one counts" for a record that several inputs carry. A source the registry does not know dead-letters
// the input, an unreadable input is dead-lettered whole after the records before the fault, as in Process.
//
// It returns the first error of opening an input or of the database; what was committed before it stays.
func (s *Stage) ProcessMany(ctx context.Context, inputs []Input, opts ManyOptions) error {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	// The dispatcher hands inputs to the workers and, in the same order, to the writer; a worker streams an
	// input's outcomes in chunks on the input's own channel, which the writer drains in order. An input is queued
	// for the writer before any worker can take it, so the writer never waits on an input nobody works on.
	type job struct {
		i   int
		out chan []item
		err error // set before out is closed
	}
	jobs := make(chan *job)
	order := make(chan *job, 2*opts.Workers)
	go func() {
		defer close(jobs)
		defer close(order)
		for i := range inputs {
			j := &job{i: i, out: make(chan []item, 2)}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				close(j.out)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.err = s.mapInput(ctx, inputs[j.i], j.out)
				close(j.out)
			}
		}()
	}
	defer wg.Wait()
	defer func() {
		// Unblock the workers and the dispatcher when the writer stops early.
		cancel(errors.New("stopped"))
		for j := range order {
			for range j.out {
			}
		}
	}()

	var batch []item
	var runs []run    // the inputs of batch, in order
	var pending []int // inputs whose outcomes are all in batch or stored, not yet reported
	counts := make([]Counts, len(inputs))
	flush := func() error {
		if len(batch) > 0 {
			if err := s.inTx(ctx, func(tx pgx.Tx) error {
				_, _, err := s.store(ctx, tx, batch) // the batch ingest resolves persons afterwards, in bulk
				return err
			}); err != nil {
				return err
			}
		}
		if opts.Stored != nil {
			start := 0
			for _, r := range runs {
				var recs []canonical.Record
				for _, it := range batch[start:r.end] {
					if it.o.Rejection == nil {
						recs = append(recs, it.o.Canonical)
					}
				}
				if len(recs) > 0 {
					opts.Stored(r.input, recs)
				}
				start = r.end
			}
		}
		runs = runs[:0]
		for _, it := range batch {
			src := it.prov.Source
			if it.o.Rejection != nil {
				src = it.o.Rejection.Source
			}
			s.count(src, it.o)
		}
		batch = batch[:0]
		if opts.Done != nil {
			for _, i := range pending {
				opts.Done(i, counts[i])
			}
		}
		pending = pending[:0]
		return nil
	}
	for j := range order {
		for chunk := range j.out {
			for _, it := range chunk {
				if it.o.Rejection != nil {
					counts[j.i].Rejected++
				} else {
					counts[j.i].Records++
				}
				batch = append(batch, it)
				if n := len(runs); n > 0 && runs[n-1].input == j.i {
					runs[n-1].end = len(batch)
				} else {
					runs = append(runs, run{input: j.i, end: len(batch)})
				}
				if len(batch) >= s.ChunkSize {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		if j.err != nil {
			return fmt.Errorf("input %d: %w", j.i+1, j.err)
		}
		pending = append(pending, j.i)
	}
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	return flush()
}

// run is a stretch of the writer's batch of one input: from the end of the run before it to end.
type run struct{ input, end int }

// mapInput reads and maps one input, sending its outcomes, encoded, in chunks to out. It returns an error only
// when the input cannot be opened or ctx ends; an input that cannot be read on from some point ends with one
// rejection of the whole input, as in Process.
func (s *Stage) mapInput(ctx context.Context, in Input, out chan<- []item) error {
	prov := in.Prov
	send := func(chunk []item) error {
		select {
		case out <- chunk:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	f, err := in.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := s.sources.Get(prov.Source)
	if err != nil {
		raw, _ := io.ReadAll(f)
		rej := unknownSource(prov, raw, err)
		return send([]item{{prov: prov, index: 0, o: source.Outcome{Rejection: rej}}})
	}
	if prov.Partner == "" {
		prov.Partner = src.Mapping.Partner()
	}
	const chunkSize = 256
	var chunk []item
	n := 0
	readErr := src.Process(ctx, f, prov, func(o source.Outcome) error {
		it := item{prov: prov, index: n, o: o}
		n++
		_ = it.encode() // an encoding error is reported by the writer, which encodes what is not encoded yet
		chunk = append(chunk, it)
		if len(chunk) >= chunkSize {
			err := send(chunk)
			chunk = nil
			return err
		}
		return nil
	})
	if len(chunk) > 0 {
		if err := send(chunk); err != nil {
			return err
		}
	}
	if readErr != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		rej, err := unreadable(prov, f, readErr)
		if err != nil {
			return err
		}
		return send([]item{{prov: prov, index: -1, o: source.Outcome{Rejection: rej}}})
	}
	return nil
}
