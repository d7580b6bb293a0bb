package cli

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/pipelines/identity"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
)

// febrlMapping maps files in the layout of FEBRL's public benchmark sets, as an integration engineer would: the
// personal number as the partner's own number, the address as a street address (its postcode has four digits), and
// a birth date or street number that is none left out with a finding rather than the row refused.
const febrlMapping = `source: febrl
partner: FEBRL
modelVersion: "1"
description: Files in the layout of FEBRL's benchmark sets.
adapter: {type: delimited, delimiter: ",", encoding: utf-8}
localId: rec_id
persons:
  - id: rec_id
    fields:
      - {target: "identifiers[local]", from: soc_sec_id, issuer: FEBRL}
      - {target: name.givenNames, from: given_name}
      - {target: name.surname, from: surname}
      - {target: birthDate, from: date_of_birth, date: YYYYMMDD, onInvalid: finding}
      - {target: "addresses[0].street", from: address_1}
      - {target: "addresses[0].houseNumber", from: street_number, onInvalid: finding}
      - {target: "addresses[0].postcode", from: postcode}
      - {target: "addresses[0].city", from: suburb}
`

// TestReadmeHoldsTheFebrlMapping keeps the mapping the README gives for measuring on FEBRL's files the one this
// test measures with.
func TestReadmeHoldsTheFebrlMapping(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```yaml\n"+febrlMapping+"```") {
		t.Error("README.md does not hold febrlMapping as a yaml block: copy it from pipelines/cli/febrl_test.go")
	}
}

// TestIngestFebrlStyleSets ingests sets drawn as FEBRL draws its public benchmark sets (matchtest.FebrlCSV) through
// the whole pipeline, mapping file included, and measures the persons it makes against the truth: every row
// becomes a record, and the pairwise figures over the persons reach what the matcher reaches on the same sets
// (the quality test of package match) within a margin. Run with -v for the figures.
func TestIngestFebrlStyleSets(t *testing.T) {
	if testing.Short() {
		t.Skip("quality run skipped in short mode")
	}
	tests := []struct {
		name                    string
		seed                    uint64
		opts                    matchtest.FebrlOptions
		minPrecision, minRecall float64
	}{
		// measured: precision 1.0000, recall 0.9764, F1 0.9881, B-cubed F1 0.9929 (the matcher alone, pair by pair
		// and clustered: recall 0.9763)
		{"FEBRL3-like", 11, matchtest.FEBRL3, 0.998, 0.97},
		// measured: precision 1.0000, recall 0.9910, B-cubed F1 0.9977 (the matcher alone: recall 0.9908)
		{"FEBRL4-like", 12, matchtest.FEBRL4, 0.999, 0.98},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, entity := matchtest.FebrlCSV(tt.seed, tt.opts)
			// A linkage set is two files, as FEBRL publishes it.
			parts := [][][]string{rows}
			if tt.opts.MaxDuplicates == 1 {
				parts = [][][]string{rows[:tt.opts.Originals], rows[tt.opts.Originals:]}
			}
			// Written as FEBRL writes its files: fields separated by a comma and a space, header included.
			files := map[string]string{}
			for i, part := range parts {
				var b strings.Builder
				for _, r := range append([][]string{matchtest.FebrlHeader}, part...) {
					b.WriteString(strings.Join(r, ", "))
					b.WriteByte('\n')
				}
				files[fmt.Sprintf("dataset%d.csv", i)] = b.String()
			}
			cfg, dir := partnerSetup(t, "febrl", febrlMapping, files)
			out, export := ingest(t, cfg, dir)
			recs, err := csv.NewReader(strings.NewReader(export)).ReadAll()
			if err != nil || len(recs) != len(rows)+1 {
				t.Fatalf("export: %v, %d records of %d rows\n%s", err, len(recs)-1, len(rows), out)
			}
			truth, assigned := map[identity.RecordRef]string{}, map[identity.RecordRef]string{}
			for i, r := range rows {
				truth[identity.RecordRef{Source: "febrl", LocalID: r[0]}] = fmt.Sprint(entity[i])
			}
			for _, r := range recs[1:] {
				assigned[identity.RecordRef{Source: r[0], LocalID: r[1]}] = r[2]
			}
			q := identity.Evaluate(truth, assigned)
			t.Logf("%d records, %d persons; pairwise precision %.4f recall %.4f F1 %.4f; B-cubed F1 %.4f",
				len(recs)-1, len(distinct(assigned)), q.PairPrecision, q.PairRecall, q.PairF1, q.BCubedF1)
			if q.PairPrecision < tt.minPrecision || q.PairRecall < tt.minRecall {
				t.Errorf("precision %.4f recall %.4f, want at least %.4f and %.4f", q.PairPrecision, q.PairRecall, tt.minPrecision, tt.minRecall)
			}
		})
	}
}

// distinct returns the distinct values of m.
func distinct(m map[identity.RecordRef]string) map[string]bool {
	out := map[string]bool{}
	for _, v := range m {
		out[v] = true
	}
	return out
}

// TestRedecideAfterNewThresholds ingests a FEBRL-style set, then redecides it. Under the same configuration a record
// may move: it is judged against the whole index, with the name counts of all records, where the ingest judged it
// against the records before it; a second redecide under it moves nothing. Under a lower MATCH threshold persons
// merge and recall rises; back under the first configuration, the index is as the first redecide left it.
func TestRedecideAfterNewThresholds(t *testing.T) {
	if testing.Short() {
		t.Skip("quality run skipped in short mode")
	}
	rows, entity := matchtest.FebrlCSV(11, matchtest.FebrlOptions{Originals: 600, Duplicates: 900, MaxDuplicates: 5, MaxPerField: 4, MaxPerRecord: 6})
	var b strings.Builder
	for _, r := range append([][]string{matchtest.FebrlHeader}, rows...) {
		b.WriteString(strings.Join(r, ", ") + "\n")
	}
	cfg, dir := partnerSetup(t, "febrl", febrlMapping, map[string]string{"dataset3.csv": b.String()})
	_, export := ingest(t, cfg, dir)
	truth := map[identity.RecordRef]string{}
	for i, r := range rows {
		truth[identity.RecordRef{Source: "febrl", LocalID: r[0]}] = fmt.Sprint(entity[i])
	}
	quality := func(export string) identity.Quality {
		t.Helper()
		recs, err := csv.NewReader(strings.NewReader(export)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		assigned := map[identity.RecordRef]string{}
		for _, r := range recs[1:] {
			assigned[identity.RecordRef{Source: r[0], LocalID: r[1]}] = r[2]
		}
		return identity.Evaluate(truth, assigned)
	}
	redecide := func(cfg string) (out, export string) {
		t.Helper()
		return runThenExport(t, cfg, "identity", "redecide", "--config", cfg)
	}
	q := quality(export)
	out, export := redecide(cfg)
	q0, persons0 := quality(export), byFirstRecord(t, export)
	t.Logf("ingested: %+v\nredecided: %+v\n%s", q, q0, out)
	if !strings.Contains(out, "redecided 1500 records") || q0.PairPrecision < q.PairPrecision || q0.PairRecall < q.PairRecall-0.001 {
		t.Errorf("redecide under the same configuration: %+v, was %+v\n%s", q0, q, out)
	}
	out, export = redecide(cfg)
	if !strings.Contains(out, ": 0 moved to another person, 0 persons merged into another, 0 with another decision") ||
		!slices.Equal(byFirstRecord(t, export), persons0) {
		t.Errorf("redecide again under the same configuration moved records:\n%s", out)
	}

	conf, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lower := filepath.Join(filepath.Dir(cfg), "lower.yml")
	if err := os.WriteFile(lower, append(conf, "identity:\n  match:\n    thresholds: {match: 15, possible: 10}\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	out, export = redecide(lower)
	q1 := quality(export)
	t.Logf("MATCH at 20 bits: %+v\nat 15 bits: %+v\n%s", q0, q1, out)
	if q1.PairRecall <= q0.PairRecall || strings.Contains(out, " 0 persons merged") {
		t.Errorf("a lower MATCH threshold: recall %.4f, was %.4f\n%s", q1.PairRecall, q0.PairRecall, out)
	}
	_, export = redecide(cfg)
	if !slices.Equal(byFirstRecord(t, export), persons0) {
		t.Errorf("persons back under the first configuration: %+v, want those of %+v", quality(export), q0)
	}
}
