package source_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/mappings"
	"github.com/ketenpoort/ketenpoort/pipelines/source"
)

// mappingsDir holds the shipped mapping files and their golden cases.
const mappingsDir = "../../mappings"

// minGoldenCases is the fewest golden cases a shipped mapping may have.
const minGoldenCases = 5

// loadRegistry loads the shipped sources and closes them when the test ends.
func loadRegistry(t *testing.T) *source.Registry {
	t.Helper()
	reg, err := source.Load(mappingsDir)
	if err != nil {
		t.Fatalf("loading the shipped mappings: %v", err)
	}
	t.Cleanup(func() {
		if err := reg.Close(); err != nil {
			t.Errorf("closing the registry: %v", err)
		}
	})
	return reg
}

// TestShippedGoldens runs the golden cases of every shipped mapping through the adapter its mapping declares,
// and requires each mapping to have enough of them.
func TestShippedGoldens(t *testing.T) {
	reg := loadRegistry(t)
	report, err := mappings.RunGolden(mappingsDir, source.GoldenReader(reg), false)
	if err != nil {
		t.Fatalf("running the golden cases: %v", err)
	}
	perMapping := map[string]int{}
	for _, c := range report.Cases {
		perMapping[c.Mapping]++
		t.Run(c.Mapping+"/"+c.Case, func(t *testing.T) {
			if c.Outcome != mappings.OutcomePass {
				t.Errorf("%s: %s\n%s", c.Input, c.Outcome, c.Detail)
			}
		})
	}
	for _, name := range report.Untested {
		perMapping[name] = 0
	}
	if len(perMapping) == 0 {
		t.Fatal("no shipped mappings found")
	}
	for _, name := range reg.Names() {
		src, err := reg.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		if n := perMapping[src.Mapping.Name()]; n < minGoldenCases {
			t.Errorf("mapping %s has %d golden cases, want at least %d", src.Mapping.Name(), n, minGoldenCases)
		}
	}
}

// exampleSources says which source reads each example file under xsd/*/examples, and the real StUF-BG samples
// a source must also take.
var exampleSources = map[string]string{
	"../../xsd/gcos/examples/casus-export.xml":                        "gcos",
	"../../xsd/zsm/examples/zaakberichten.xml":                        "zsm",
	"../../xsd/veiligthuis/examples/meldingen.xml":                    "veiligthuis",
	"../../xsd/veiligthuis/examples/meldingen-vast.txt":               "veiligthuis-vast",
	"../../xsd/gemeente/examples/eindhoven.csv":                       "gemeente-eindhoven",
	"../../xsd/gemeente/examples/helmond.csv":                         "gemeente-helmond",
	"../../xsd/testdata/stufbg/npsLk01_afnemersindicatie_05_soap.xml": "stufbg",
}

// TestExamplesMap maps every example a source schema ships with through its source: no record may be rejected.
func TestExamplesMap(t *testing.T) {
	examples, err := filepath.Glob("../../xsd/*/examples/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(examples) == 0 {
		t.Fatal("no examples found under xsd/*/examples")
	}
	for _, ex := range examples {
		if _, ok := exampleSources[ex]; !ok {
			t.Errorf("example %s has no source in exampleSources: say which source reads it", ex)
		}
	}
	reg := loadRegistry(t)
	files := make([]string, 0, len(exampleSources))
	for f := range exampleSources {
		files = append(files, f)
	}
	sort.Strings(files)
	prov := canonical.Provenance{ReceivedAt: time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC), MessageID: "example"}
	for _, file := range files {
		name := exampleSources[file]
		t.Run(name+"/"+filepath.Base(file), func(t *testing.T) {
			src, err := reg.Get(name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var mapped int
			err = src.Process(context.Background(), f, prov, func(o source.Outcome) error {
				if o.Rejection != nil {
					t.Errorf("%s: %s: %s", file, o.Rejection.Position, o.Rejection.Reason)
					return nil
				}
				mapped++
				if o.Canonical.Provenance.Source != name || o.Canonical.Provenance.LocalID == "" {
					t.Errorf("record %d: provenance %+v, want source %s and a local id", mapped, o.Canonical.Provenance, name)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("reading %s: %v", file, err)
			}
			if mapped == 0 {
				t.Errorf("%s: no records mapped", file)
			}
		})
	}
}

// TestVeiligThuisFormatsAgree checks that the XML and the fixed-width Veilig Thuis exports of the same meldingen
// map to the same canonical records: golden cases of the same name in both folders must agree apart from the
// provenance's source and the findings' paths, which name a field in each format's own terms.
func TestVeiligThuisFormatsAgree(t *testing.T) {
	xmlOut, err := filepath.Glob(filepath.Join(mappingsDir, "testdata", "veiligthuis", "*.out.json"))
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, x := range xmlOut {
		fixed := filepath.Join(mappingsDir, "testdata", "veiligthuis-vast", filepath.Base(x))
		if _, err := os.Stat(fixed); err != nil {
			continue
		}
		compared++
		t.Run(strings.TrimSuffix(filepath.Base(x), ".out.json"), func(t *testing.T) {
			a, b := formatNeutral(t, x), formatNeutral(t, fixed)
			if !reflect.DeepEqual(a, b) {
				ja, _ := json.MarshalIndent(a, "", "  ")
				jb, _ := json.MarshalIndent(b, "", "  ")
				t.Errorf("XML and fixed-width map differently:\n--- %s\n%s\n--- %s\n%s", x, ja, fixed, jb)
			}
		})
	}
	if compared < 2 {
		t.Errorf("compared %d golden pairs of veiligthuis and veiligthuis-vast, want at least 2", compared)
	}
}

// formatNeutral reads a golden output with the provenance's source and the findings' paths taken out.
func formatNeutral(t *testing.T, file string) []canonical.Record {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var recs []canonical.Record
	if err := json.Unmarshal(data, &recs); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for i := range recs {
		r := &recs[i]
		r.Provenance.Source = ""
		for j := range r.Persons {
			r.Persons[j].Provenance.Source = ""
		}
		for j := range r.Cases {
			r.Cases[j].Provenance.Source = ""
		}
		for j := range r.Findings {
			r.Findings[j].Path = ""
		}
	}
	return recs
}
