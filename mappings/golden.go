package mappings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/canonical"
)

// Reader reads a golden case's input file into records, as the source's adapter does in production. The CLI
// plugs the adapter registry in; tests may use a small reader of their own.
type Reader interface {
	// Read reads input, the bytes of the file at path, for mapping m.
	Read(m *Mapping, path string, input []byte) ([]adapters.Record, error)
}

// ReadFunc makes a function a Reader.
type ReadFunc func(m *Mapping, path string, input []byte) ([]adapters.Record, error)

// Read calls f.
func (f ReadFunc) Read(m *Mapping, path string, input []byte) ([]adapters.Record, error) {
	return f(m, path, input)
}

// GoldenProvenance is the provenance golden cases are mapped with, so that expected output does not depend on
// the clock.
var GoldenProvenance = canonical.Provenance{
	ReceivedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
	MessageID:  "golden",
}

// Outcomes of a golden case.
const (
	OutcomePass    = "pass"
	OutcomeFail    = "fail"
	OutcomeUpdated = "updated"
)

// CaseResult is the outcome of one golden case.
type CaseResult struct {
	// Mapping is the mapping's name and Case the case's name; Input is the input file.
	Mapping string
	Case    string
	Input   string
	// Outcome is pass, fail or updated.
	Outcome string
	// Detail says why a case failed: the first difference between expected and actual output.
	Detail string
}

// Report is the outcome of a golden run.
type Report struct {
	// Cases in mapping and case name order.
	Cases []CaseResult
	// Untested names the mappings that have no golden case.
	Untested []string
}

// Failed returns the number of failed cases.
func (r Report) Failed() int { return r.count(OutcomeFail) }

// Passed returns the number of passed cases, updated ones included.
func (r Report) Passed() int { return len(r.Cases) - r.Failed() }

func (r Report) count(outcome string) int {
	n := 0
	for _, c := range r.Cases {
		if c.Outcome == outcome {
			n++
		}
	}
	return n
}

// String summarises the run: a line per failed or updated case, then "N passed, N failed".
func (r Report) String() string {
	var b strings.Builder
	for _, c := range r.Cases {
		switch c.Outcome {
		case OutcomeFail:
			fmt.Fprintf(&b, "FAIL %s/%s\n", c.Mapping, c.Case)
			for _, l := range strings.Split(c.Detail, "\n") {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		case OutcomeUpdated:
			fmt.Fprintf(&b, "UPDATED %s/%s\n", c.Mapping, c.Case)
		}
	}
	for _, m := range r.Untested {
		fmt.Fprintf(&b, "NO CASES %s\n", m)
	}
	fmt.Fprintf(&b, "%d passed, %d failed\n", r.Passed(), r.Failed())
	return b.String()
}

// RunGolden loads the mappings in dir and runs their golden cases: each testdata/<mapping>/<case>.in.<ext> is
// read with read and mapped, and the result compared with <case>.out.json (the canonical records as a JSON array)
// or, when reading or mapping fails, with <case>.err (the error text). With update, the expected files are
// rewritten from the actual result instead. The error is for what stops the run (a mapping that does not load,
// an unreadable directory); failed cases are in the report.
func RunGolden(dir string, read Reader, update bool) (Report, error) {
	ms, err := LoadDir(dir)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	for _, m := range ms {
		caseDir := filepath.Join(dir, "testdata", m.Name())
		inputs, err := filepath.Glob(filepath.Join(caseDir, "*.in.*"))
		if err != nil {
			return rep, fmt.Errorf("golden cases of %s: %w", m.Name(), err)
		}
		sort.Strings(inputs)
		if len(inputs) == 0 {
			rep.Untested = append(rep.Untested, m.Name())
		}
		for _, in := range inputs {
			res, err := runCase(m, in, read, update)
			if err != nil {
				return rep, err
			}
			rep.Cases = append(rep.Cases, res)
		}
	}
	return rep, nil
}

// runCase runs one golden case.
func runCase(m *Mapping, input string, read Reader, update bool) (CaseResult, error) {
	base := filepath.Base(input)
	name := base[:strings.Index(base, ".in.")]
	res := CaseResult{Mapping: m.Name(), Case: name, Input: input}
	stem := filepath.Join(filepath.Dir(input), name)
	outFile, errFile := stem+".out.json", stem+".err"

	got, isErr, err := caseOutput(m, input, read)
	if err != nil {
		return res, err
	}
	wantFile, otherFile := outFile, errFile
	if isErr {
		wantFile, otherFile = errFile, outFile
	}
	if update {
		_, otherErr := os.Stat(otherFile)
		if old, err := os.ReadFile(wantFile); err == nil && bytes.Equal(old, got) && errors.Is(otherErr, os.ErrNotExist) {
			res.Outcome = OutcomePass // unchanged: nothing to review
			return res, nil
		}
		if err := os.WriteFile(wantFile, got, 0o644); err != nil {
			return res, fmt.Errorf("updating golden file: %w", err)
		}
		if err := os.Remove(otherFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return res, fmt.Errorf("updating golden file: %w", err)
		}
		res.Outcome = OutcomeUpdated
		return res, nil
	}
	want, err := os.ReadFile(wantFile)
	switch {
	case errors.Is(err, os.ErrNotExist):
		res.Outcome = OutcomeFail
		if _, err := os.Stat(otherFile); err == nil {
			res.Detail = fmt.Sprintf("expected %s, but the case produced %s:\n%s", filepath.Base(otherFile),
				kindOfOutput(isErr), firstLines(got, 12))
		} else {
			res.Detail = fmt.Sprintf("no %s or %s; run with -update to write it", filepath.Base(outFile), filepath.Base(errFile))
		}
		return res, nil
	case err != nil:
		return res, fmt.Errorf("reading golden file: %w", err)
	}
	if bytes.Equal(normalizeNewlines(want), got) {
		res.Outcome = OutcomePass
		return res, nil
	}
	res.Outcome = OutcomeFail
	res.Detail = diff(filepath.Base(wantFile), normalizeNewlines(want), got)
	return res, nil
}

// caseOutput reads and maps a case's input; the output is the records' JSON or, when anything failed, the
// error text. File paths in error texts are cut to the mapping's file name so that goldens do not depend on
// where the run started.
func caseOutput(m *Mapping, input string, read Reader) ([]byte, bool, error) {
	data, err := os.ReadFile(input)
	if err != nil {
		return nil, false, fmt.Errorf("reading golden input: %w", err)
	}
	recs, err := read.Read(m, input, data)
	if err != nil {
		return errText(m, err), true, nil
	}
	out := make([]canonical.Record, 0, len(recs))
	var errs []string
	for _, rec := range recs {
		r, err := m.Map(rec, GoldenProvenance)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		out = append(out, r)
	}
	if len(errs) > 0 {
		return errText(m, errors.New(strings.Join(errs, "\n"))), true, nil
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, false, fmt.Errorf("writing canonical JSON: %w", err)
	}
	return append(b, '\n'), false, nil
}

func errText(m *Mapping, err error) []byte {
	s := strings.ReplaceAll(err.Error(), m.File(), filepath.Base(m.File()))
	return []byte(s + "\n")
}

func kindOfOutput(isErr bool) string {
	if isErr {
		return "an error"
	}
	return "records"
}

func normalizeNewlines(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
}

func firstLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

// diff shows the first difference between want and got with a little context.
func diff(name string, want, got []byte) string {
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s differs from line %d:", name, i+1)
	from := max(0, i-2)
	for j := from; j < i; j++ {
		fmt.Fprintf(&b, "\n  %s", w[j])
	}
	for j := i; j < len(w) && j < i+3; j++ {
		fmt.Fprintf(&b, "\n- %s", w[j])
	}
	for j := i; j < len(g) && j < i+3; j++ {
		fmt.Fprintf(&b, "\n+ %s", g[j])
	}
	return b.String()
}
