package mappings

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files from the actual output")

// TestGolden runs the golden cases of the example mappings: partner bytes in, canonical JSON or error text out.
func TestGolden(t *testing.T) {
	rep, err := RunGolden("testdata/partners", testReader, *update)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Cases) == 0 {
		t.Fatal("no golden cases found")
	}
	for _, c := range rep.Cases {
		t.Run(c.Mapping+"/"+c.Case, func(t *testing.T) {
			if c.Outcome == OutcomeFail {
				t.Error(c.Detail)
			}
		})
	}
	if len(rep.Untested) > 0 {
		t.Errorf("mappings without golden cases: %v", rep.Untested)
	}
}

// TestGoldenColumns runs the golden cases again with the CSV rows given as their columns, without a tree: the
// mapping must come to the same output.
func TestGoldenColumns(t *testing.T) {
	rep, err := RunGolden("testdata/partners", columnReader, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Cases {
		t.Run(c.Mapping+"/"+c.Case, func(t *testing.T) {
			if c.Outcome == OutcomeFail {
				t.Error(c.Detail)
			}
		})
	}
}

// TestRunGoldenReports checks that the runner catches a wrong expectation, a missing one and an unexpected
// error, and that update rewrites them so that the next run passes.
func TestRunGoldenReports(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/partners/gemeente-voorbeeld.yaml", filepath.Join(dir, "gemeente-voorbeeld.yaml"))
	copyFile(t, "testdata/partners/gemeente-voorbeeld.casussoorten.csv", filepath.Join(dir, "gemeente-voorbeeld.casussoorten.csv"))
	cases := filepath.Join(dir, "testdata", "gemeente-voorbeeld")
	if err := os.MkdirAll(cases, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "testdata/partners/testdata/gemeente-voorbeeld/"
	copyFile(t, src+"goed.in.csv", filepath.Join(cases, "a.in.csv"))
	writeFile(t, filepath.Join(cases, "a.out.json"), "[]\n")
	copyFile(t, src+"achternaam-ontbreekt.in.csv", filepath.Join(cases, "b.in.csv"))
	writeFile(t, filepath.Join(cases, "b.out.json"), "[]\n")
	copyFile(t, src+"goed.in.csv", filepath.Join(cases, "c.in.csv"))

	rep, err := RunGolden(dir, testReader, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() != 3 || rep.Passed() != 0 {
		t.Fatalf("report = %s", rep)
	}
	for i, want := range []string{"a.out.json differs from line 1:", "expected b.out.json, but the case produced an error", "no c.out.json or c.err"} {
		if !strings.Contains(rep.Cases[i].Detail, want) {
			t.Errorf("case %s detail = %q, want %q", rep.Cases[i].Case, rep.Cases[i].Detail, want)
		}
	}
	if !strings.HasSuffix(rep.String(), "0 passed, 3 failed\n") {
		t.Errorf("summary = %q", rep.String())
	}

	if _, err := RunGolden(dir, testReader, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cases, "b.out.json")); !os.IsNotExist(err) {
		t.Errorf("update left b.out.json beside b.err: %v", err)
	}
	rep, err = RunGolden(dir, testReader, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() != 0 || rep.Passed() != 3 {
		t.Fatalf("after update: %s", rep)
	}
	errText, _ := os.ReadFile(filepath.Join(cases, "b.err"))
	if !strings.HasPrefix(string(errText), "gemeente-voorbeeld.yaml:31: rule name.surname: required field 'Achternaam' missing") {
		t.Errorf("b.err = %q, want the error with the mapping file's name only", errText)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
