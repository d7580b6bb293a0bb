// Package adaptertest is the conformance suite every adapter runs: good input, each kind of bad input, empty,
// truncated and wrongly encoded input, and a huge input streamed in bounded memory. It asserts the invariants
// of the adapter contract (adapters/README.md) on everything an adapter emits.
package adaptertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// Case is one input and what the adapter must make of it.
type Case struct {
	// Name names the subtest of a bad case.
	Name string
	// Input is the whole input.
	Input []byte
	// Records and Rejections are the expected counts, errors or not.
	Records    int
	Rejections int
	// Err, when set, is what Read must fail with (errors.Is). WantErr asks for any error.
	Err     error
	WantErr bool
	// NoPosition excuses a read error from naming a line, for inputs without one (empty input).
	NoPosition bool
}

func (c Case) wantsErr() bool { return c.WantErr || c.Err != nil }

// Suite describes an adapter to the conformance suite.
type Suite struct {
	// New returns a freshly constructed adapter; the suite closes it.
	New func(t testing.TB) adapters.Adapter
	// Good is input that reads without rejections.
	Good Case
	// Bad holds one case for each kind of bad input the adapter knows.
	Bad []Case
	// Empty, WrongEncoding and Truncated are the adapter's answers to those inputs.
	Empty, WrongEncoding, Truncated Case
	// Huge writes an input of n records to w; nil skips the huge-input test.
	Huge func(w io.Writer, n int) error
	// HugeRecords is the number of records in the huge input; default 100,000.
	HugeRecords int
	// MaxHeapGrowth bounds the heap in use while reading the huge input, above what was in use before; default
	// 32 MiB. The huge input must be at least four times larger, or the test proves nothing and fails.
	MaxHeapGrowth uint64
	// RawIsInput says that every record's and rejection's Raw is exactly input[Offset:Offset+len(Raw)].
	RawIsInput bool
}

// Result is what one read produced.
type Result struct {
	Records    []adapters.Record
	Rejections []adapters.Rejection
	Err        error
}

var positioned = regexp.MustCompile(`line \d+`)

// Run runs the conformance suite.
func Run(t *testing.T, s Suite) {
	t.Helper()
	if s.New == nil {
		t.Fatal("adaptertest: Suite.New is required")
	}
	t.Run("good", func(t *testing.T) {
		if len(s.Good.Input) == 0 || s.Good.Records == 0 {
			t.Fatal("adaptertest: Suite.Good needs input with records")
		}
		runCase(t, s, s.Good)
	})
	for _, c := range s.Bad {
		t.Run("bad/"+c.Name, func(t *testing.T) {
			if c.Rejections == 0 && !c.wantsErr() {
				t.Fatal("adaptertest: a bad case must expect rejections or an error")
			}
			runCase(t, s, c)
		})
	}
	t.Run("empty", func(t *testing.T) {
		c := s.Empty
		if c.Input == nil {
			c.Input = []byte{}
		}
		runCase(t, s, c)
	})
	t.Run("wrong-encoding", func(t *testing.T) {
		if len(s.WrongEncoding.Input) == 0 {
			t.Fatal("adaptertest: Suite.WrongEncoding is required")
		}
		runCase(t, s, s.WrongEncoding)
	})
	t.Run("truncated", func(t *testing.T) {
		if len(s.Truncated.Input) == 0 {
			t.Fatal("adaptertest: Suite.Truncated is required")
		}
		runCase(t, s, s.Truncated)
	})
	t.Run("sink-error", func(t *testing.T) { sinkError(t, s) })
	t.Run("cancelled", func(t *testing.T) { cancelled(t, s) })
	t.Run("huge", func(t *testing.T) {
		if s.Huge == nil {
			t.Skip("no huge input generator")
		}
		if testing.Short() {
			t.Skip("huge input in -short mode")
		}
		huge(t, s)
	})
}

func runCase(t *testing.T, s Suite, c Case) {
	t.Helper()
	a := s.New(t)
	defer closeAdapter(t, a)
	res := Check(t, a, c.Input, s.RawIsInput)
	if len(res.Records) != c.Records {
		t.Errorf("records: got %d, want %d", len(res.Records), c.Records)
	}
	if len(res.Rejections) != c.Rejections {
		t.Errorf("rejections: got %d, want %d", len(res.Rejections), c.Rejections)
		for _, r := range res.Rejections {
			t.Logf("rejection: %s", r.Error())
		}
	}
	switch {
	case c.wantsErr() && res.Err == nil:
		t.Errorf("read: no error, want one")
	case !c.wantsErr() && res.Err != nil:
		t.Errorf("read: %v", res.Err)
	case c.Err != nil && !errors.Is(res.Err, c.Err):
		t.Errorf("read: got %v, want %v", res.Err, c.Err)
	case res.Err != nil && !c.NoPosition && !positioned.MatchString(res.Err.Error()):
		t.Errorf("read error %q names no line", res.Err)
	}
}

// Check reads input with the adapter and asserts the contract's invariants on everything emitted: records are
// whole (a tree, raw bytes, a position); rejections carry a reason, raw bytes and a position; each record index
// is emitted once, in order, and input ranges do not overlap; emitted bytes are never changed afterwards (no
// reused buffers); with rawIsInput, every Raw is the input's bytes at its offset. Fuzz targets call it too.
func Check(t testing.TB, r adapters.Reader, input []byte, rawIsInput bool) Result {
	t.Helper()
	s := &checkSink{t: t, input: input, rawIsInput: rawIsInput}
	err := r.Read(context.Background(), bytes.NewReader(input), s)
	for i, c := range s.copies {
		if !bytes.Equal(*s.raws[i], c) {
			t.Errorf("item %d: raw bytes changed after emission: the adapter reuses a buffer it handed out", i)
		}
	}
	return Result{Records: s.records, Rejections: s.rejections, Err: err}
}

type checkSink struct {
	t          testing.TB
	input      []byte
	rawIsInput bool
	records    []adapters.Record
	rejections []adapters.Rejection
	lastIndex  int
	lastEnd    int64
	copies     [][]byte
	raws       []*[]byte
}

func (s *checkSink) item(kind string, pos adapters.Position, raw []byte) {
	t := s.t
	t.Helper()
	if pos.Index <= s.lastIndex {
		t.Errorf("%s at %s: index %d after %d: every record index is emitted once, in order", kind, pos, pos.Index, s.lastIndex)
	}
	s.lastIndex = pos.Index
	if len(raw) == 0 {
		t.Errorf("%s at %s: no raw bytes", kind, pos)
	}
	if pos.Offset < s.lastEnd {
		t.Errorf("%s at %s: offset %d overlaps the previous item ending at %d", kind, pos, pos.Offset, s.lastEnd)
	}
	s.lastEnd = pos.Offset + int64(len(raw))
	if s.rawIsInput {
		if pos.Offset < 0 || s.lastEnd > int64(len(s.input)) || !bytes.Equal(s.input[pos.Offset:s.lastEnd], raw) {
			t.Errorf("%s at %s: raw bytes are not the input's bytes at offset %d", kind, pos, pos.Offset)
		}
	}
	if len(s.input) < 1<<20 {
		s.copies = append(s.copies, bytes.Clone(raw))
		r := raw
		s.raws = append(s.raws, &r)
	}
}

func (s *checkSink) Record(_ context.Context, r adapters.Record) error {
	s.t.Helper()
	s.item("record", r.Position, r.Raw)
	if r.Root == nil {
		s.t.Errorf("record at %s: no tree", r.Position)
	}
	if r.Position.Line == 0 && r.Position.Path == "" {
		s.t.Errorf("record %d: position names no line or path", r.Position.Index)
	}
	s.records = append(s.records, r)
	return nil
}

func (s *checkSink) Reject(_ context.Context, r adapters.Rejection) error {
	s.t.Helper()
	s.item("rejection", r.Position, r.Raw)
	if r.Reason == "" {
		s.t.Errorf("rejection at %s: no reason", r.Position)
	}
	if r.Position.Line == 0 && r.Position.Path == "" {
		s.t.Errorf("rejection %d (%s): position names no line or path", r.Position.Index, r.Reason)
	}
	s.rejections = append(s.rejections, r)
	return nil
}

var errStop = errors.New("sink full")

type stopSink struct{ calls int }

func (s *stopSink) Record(context.Context, adapters.Record) error    { s.calls++; return errStop }
func (s *stopSink) Reject(context.Context, adapters.Rejection) error { s.calls++; return errStop }
func (s *stopSink) String() string                                   { return fmt.Sprintf("%d calls", s.calls) }
func closeAdapter(t testing.TB, a adapters.Adapter)                  { t.Helper(); noErr(t, a.Close()) }
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("close: %v", err)
	}
}

// sinkError asserts that a sink's error stops the read and comes back wrapped.
func sinkError(t *testing.T, s Suite) {
	a := s.New(t)
	defer closeAdapter(t, a)
	sink := &stopSink{}
	err := a.Read(context.Background(), bytes.NewReader(s.Good.Input), sink)
	if !errors.Is(err, errStop) {
		t.Errorf("read with a failing sink: got %v, want the sink's error wrapped", err)
	}
	if sink.calls != 1 {
		t.Errorf("read went on after the sink failed: %s", sink)
	}
}

// cancelled asserts that a cancelled context stops the read before anything is emitted.
func cancelled(t *testing.T, s Suite) {
	a := s.New(t)
	defer closeAdapter(t, a)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sink := &stopSink{}
	err := a.Read(ctx, bytes.NewReader(s.Good.Input), sink)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("read with a cancelled context: got %v, want context.Canceled", err)
	}
	if sink.calls != 0 {
		t.Errorf("read emitted %s after cancellation", sink)
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type heapSink struct {
	records, rejections int
	peak                uint64
}

func (h *heapSink) sample() {
	if (h.records+h.rejections)%1000 != 0 {
		return
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.peak = max(h.peak, ms.HeapInuse)
}

func (h *heapSink) Record(context.Context, adapters.Record) error {
	h.records++
	h.sample()
	return nil
}

func (h *heapSink) Reject(context.Context, adapters.Rejection) error {
	h.rejections++
	h.sample()
	return nil
}

// huge streams a generated input through a pipe, so it never exists whole, and samples the heap in use.
func huge(t *testing.T, s Suite) {
	n := s.HugeRecords
	if n == 0 {
		n = 100_000
	}
	limit := s.MaxHeapGrowth
	if limit == 0 {
		limit = 32 << 20
	}
	a := s.New(t)
	defer closeAdapter(t, a)
	pr, pw := io.Pipe()
	cw := &countingWriter{w: pw}
	go func() { pw.CloseWithError(s.Huge(cw, n)) }()

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	sink := &heapSink{}
	err := a.Read(context.Background(), pr, sink)
	_ = pr.Close()
	if err != nil {
		t.Fatalf("read huge input: %v", err)
	}
	if sink.records != n || sink.rejections != 0 {
		t.Errorf("huge input: %d records and %d rejections, want %d records", sink.records, sink.rejections, n)
	}
	if cw.n < int64(4*limit) {
		t.Fatalf("huge input is %d bytes, less than 4 x the heap bound %d: it proves nothing", cw.n, limit)
	}
	growth := uint64(0)
	if sink.peak > before.HeapInuse {
		growth = sink.peak - before.HeapInuse
	}
	t.Logf("huge input: %d bytes, %d records, peak heap growth %d KiB", cw.n, n, growth>>10)
	if growth > limit {
		t.Errorf("heap in use grew by %d bytes reading %d bytes, more than the bound %d: the adapter does not stream", growth, cw.n, limit)
	}
}
