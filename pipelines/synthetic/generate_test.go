package synthetic

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// generate runs Generate into a fresh directory and fails the test on an error.
func generate(t testing.TB, opt Options) (Summary, string) {
	t.Helper()
	if opt.Out == "" {
		opt.Out = t.TempDir()
	}
	sum, err := Generate(context.Background(), opt)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return sum, opt.Out
}

// treeHash hashes every file under dir, names and contents.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h.Write([]byte(rel + "\x00"))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerateDeterministic(t *testing.T) {
	opt := Options{Seed: 42, Records: 3000, BadRate: 0.01}
	_, a := generate(t, opt)
	_, b := generate(t, opt)
	if ha, hb := treeHash(t, a), treeHash(t, b); ha != hb {
		t.Errorf("same seed, different output: %s != %s", ha, hb)
	}
	opt.Seed = 43
	_, c := generate(t, opt)
	if treeHash(t, a) == treeHash(t, c) {
		t.Error("different seeds gave the same output")
	}
}

// truthLine is one line of truth.csv.
type truthLine struct{ source, local, person string }

func readTruth(t *testing.T, path string) []truthLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() || sc.Text() != "source,local_id,person_id" {
		t.Fatalf("truth header = %q", sc.Text())
	}
	var out []truthLine
	for sc.Scan() {
		f := strings.Split(sc.Text(), ",")
		if len(f) != 3 {
			t.Fatalf("truth line %q: want 3 fields", sc.Text())
		}
		out = append(out, truthLine{f[0], f[1], f[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerateSummaryAndTruth(t *testing.T) {
	const records = 5000
	sum, dir := generate(t, Options{Seed: 7, Records: records})

	if sum.Records != records {
		t.Errorf("records = %d, want %d", sum.Records, records)
	}
	if len(sum.Sources) != len(Sources) {
		t.Fatalf("got %d sources, want %d", len(sum.Sources), len(Sources))
	}
	total, truthLines := 0, 0
	for _, s := range sum.Sources {
		total += s.Records
		truthLines += s.TruthLines
		if want := float64(records) * Share[s.Source]; float64(s.Records) < want-1 || float64(s.Records) > want+1 {
			t.Errorf("%s: %d records, want its share %.0f", s.Source, s.Records, want)
		}
		if s.Bad != 0 || len(s.Files) == 0 || s.Units == 0 || s.TruthLines == 0 {
			t.Errorf("%s: summary %+v", s.Source, s)
		}
		for _, f := range s.Files {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s: listed file: %v", s.Source, err)
			}
		}
	}
	if total != records || truthLines != sum.TruthLines {
		t.Errorf("sources add up to %d records and %d truth lines, summary says %d and %d", total, truthLines, records, sum.TruthLines)
	}

	lines := readTruth(t, filepath.Join(dir, sum.Truth))
	if len(lines) != sum.TruthLines {
		t.Errorf("truth.csv has %d lines, summary says %d", len(lines), sum.TruthLines)
	}
	personRe := regexp.MustCompile(`^T[0-9]{7}$`)
	seen := map[[2]string]bool{}
	idsPerPerson := map[[2]string]int{} // (source, person) -> local ids
	sourcesPerPerson := map[string]map[string]bool{}
	for _, l := range lines {
		if !personRe.MatchString(l.person) {
			t.Fatalf("person id %q", l.person)
		}
		k := [2]string{l.source, l.local}
		if seen[k] {
			t.Fatalf("local id %s of %s twice in the truth file", l.local, l.source)
		}
		seen[k] = true
		idsPerPerson[[2]string{l.source, l.person}]++
		if sourcesPerPerson[l.person] == nil {
			sourcesPerPerson[l.person] = map[string]bool{}
		}
		sourcesPerPerson[l.person][l.source] = true
	}
	// The one-source dedup scenario: a gemeente knows some persons under two numbers.
	dups := 0
	for k, n := range idsPerPerson {
		if strings.HasPrefix(k[0], "gemeente-") && n > 1 {
			dups++
		}
	}
	if dups == 0 {
		t.Error("no person registered twice in a gemeente")
	}
	// Linkage needs persons known to several sources.
	multi := 0
	for _, s := range sourcesPerPerson {
		if len(s) >= 3 {
			multi++
		}
	}
	if multi < len(sourcesPerPerson)/20 {
		t.Errorf("%d of %d persons in three or more sources, want at least 5%%", multi, len(sourcesPerPerson))
	}

	var manifest Summary
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Records != sum.Records || manifest.TruthLines != sum.TruthLines || len(manifest.Sources) != len(sum.Sources) {
		t.Errorf("manifest differs from the summary")
	}
}

func TestGenerateSubsetOfSources(t *testing.T) {
	sum, dir := generate(t, Options{Seed: 3, Records: 1000, Sources: []string{SourceZSM, SourceStUFBG}})
	if len(sum.Sources) != 2 {
		t.Fatalf("got %d sources, want 2", len(sum.Sources))
	}
	got := map[string]int{}
	for _, s := range sum.Sources {
		got[s.Source] = s.Records
	}
	// Shares 20% and 15% scaled to the two sources: 4/7 and 3/7.
	if got[SourceZSM] != 571 || got[SourceStUFBG] != 429 {
		t.Errorf("records per source = %v, want zsm 571 and stufbg 429", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if want := "manifest.json stufbg truth.csv zsm"; strings.Join(names, " ") != want {
		t.Errorf("output directory holds %v, want %s", names, want)
	}
}

func TestGenerateStUFFolders(t *testing.T) {
	sum, dir := generate(t, Options{Seed: 1, Records: 2500, Sources: []string{SourceStUFBG}})
	s := sum.Sources[0]
	if s.Units != 2500 || len(s.Files) != 3 {
		t.Fatalf("stufbg: %d messages in %d folders, want 2500 in 3", s.Units, len(s.Files))
	}
	for i, want := range []int{1000, 1000, 500} {
		entries, err := os.ReadDir(filepath.Join(dir, s.Files[i]))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != want {
			t.Errorf("folder %s holds %d files, want %d", s.Files[i], len(entries), want)
		}
	}
}

func TestGenerateProgressAndCancel(t *testing.T) {
	var buf bytes.Buffer
	generate(t, Options{Seed: 1, Records: 500, Progress: &buf})
	if !regexp.MustCompile(`generate: 500/500 records \(100\.0%\), [0-9]+ records/s\n$`).Match(buf.Bytes()) {
		t.Errorf("progress = %q", buf.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Generate(ctx, Options{Seed: 1, Records: 500, Out: t.TempDir()})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		{"no records", Options{Out: "x"}, "records must be positive"},
		{"no out", Options{Records: 10}, "no output directory"},
		{"bad rate", Options{Records: 10, Out: "x", BadRate: 1.5}, "bad rate"},
		{"unknown source", Options{Records: 10, Out: "x", Sources: []string{"gemeente-oss"}}, "unknown source"},
		{"too many", Options{Records: maxIndex, Out: "x"}, "at most"},
		{"fine", Options{Records: 10, Out: "x"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.setDefaults()
			err := tt.opt.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("err = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrInvalidOptions)):
				t.Errorf("err = %v, want %q wrapping ErrInvalidOptions", err, tt.want)
			}
		})
	}
}
