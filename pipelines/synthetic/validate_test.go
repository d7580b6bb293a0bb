package synthetic_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/delimited"
	"github.com/ketenpoort/ketenpoort/adapters/fixedwidth"
	kxml "github.com/ketenpoort/ketenpoort/adapters/xml"
	"github.com/ketenpoort/ketenpoort/adapters/xsdschema"
	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/mappings"
	"github.com/ketenpoort/ketenpoort/pipelines/synthetic"
	"github.com/ketenpoort/ketenpoort/xsd"
)

// repo is the repository root, where the shipped schemas and layouts live.
const repo = "../.."

// sourceReader is how ketenpoort reads one source: its adapter, and where a record keeps its persons' local ids.
type sourceReader struct {
	adapter  func(t *testing.T, set *xsd.Set) adapters.Adapter
	localIDs func(r *adapters.Node) []string
}

func xmlAdapter(path, schema string) func(t *testing.T, set *xsd.Set) adapters.Adapter {
	return func(t *testing.T, set *xsd.Set) adapters.Adapter {
		a, err := kxml.New(kxml.Config{RecordPath: path, Schema: filepath.Join(repo, schema)},
			adapters.Env{LoadSchema: xsdschema.Loader(set)})
		if err != nil {
			t.Fatalf("xml adapter: %v", err)
		}
		return a
	}
}

func values(n *adapters.Node, path string) []string {
	var out []string
	for _, c := range n.Find(path) {
		out = append(out, c.Text)
	}
	return out
}

var readers = map[string]sourceReader{
	synthetic.SourceGCOS: {
		adapter:  xmlAdapter("/casusExport/casus", "xsd/gcos/gcos-casus-v1.xsd"),
		localIDs: func(r *adapters.Node) []string { return values(r, "betrokkenen/betrokkene/persoonsnummer") },
	},
	synthetic.SourceZSM: {
		adapter: xmlAdapter("/zaakBerichten/zaakBericht", "xsd/zsm/zsm-zaak-v1.xsd"),
		localIDs: func(r *adapters.Node) []string {
			ids := values(r, "verdachte/skn")
			id, _ := r.Value("berichtId")
			for i := range r.All("slachtoffer") {
				ids = append(ids, fmt.Sprintf("%s-S%d", id, i+1))
			}
			return ids
		},
	},
	synthetic.SourceVeiligThuisXML: {
		adapter:  xmlAdapter("/meldingenExport/melding", "xsd/veiligthuis/veiligthuis-meldingen-v1.xsd"),
		localIDs: func(r *adapters.Node) []string { return values(r, "betrokkenen/persoon/clientnummer") },
	},
	synthetic.SourceVeiligThuisVast: {
		adapter: func(t *testing.T, _ *xsd.Set) adapters.Adapter {
			a, err := fixedwidth.New(fixedwidth.Config{Layout: filepath.Join(repo, "xsd/veiligthuis/meldingen-vast.layout.yaml")}, adapters.Env{})
			if err != nil {
				t.Fatalf("fixedwidth adapter: %v", err)
			}
			return a
		},
		localIDs: func(r *adapters.Node) []string {
			var ids []string
			for _, c := range r.Children {
				if id, ok := c.Value("clientnummer"); ok {
					ids = append(ids, id)
				}
			}
			return ids
		},
	},
	synthetic.SourceGemeenteEindhoven: {
		adapter: func(t *testing.T, _ *xsd.Set) adapters.Adapter {
			a, err := delimited.New(delimited.Config{Delimiter: ";", Encoding: "utf-8"}, adapters.Env{})
			if err != nil {
				t.Fatalf("delimited adapter: %v", err)
			}
			return a
		},
		localIDs: func(r *adapters.Node) []string { return values(r, "Persoonsnummer") },
	},
	synthetic.SourceGemeenteHelmond: {
		adapter: func(t *testing.T, _ *xsd.Set) adapters.Adapter {
			a, err := delimited.New(delimited.Config{Delimiter: ",", Encoding: "windows-1252"}, adapters.Env{})
			if err != nil {
				t.Fatalf("delimited adapter: %v", err)
			}
			return a
		},
		localIDs: func(r *adapters.Node) []string { return values(r, "klantnr") },
	},
	synthetic.SourceStUFBG: {
		adapter:  xmlAdapter("/Envelope/Body/npsLk01", "xsd/stufbg/wrapper_all.xsd"),
		localIDs: func(r *adapters.Node) []string { return values(r, "object/@sleutelVerzendend") },
	},
}

// sink counts what an adapter read.
type sink struct {
	records, persons int
	rejections       []adapters.Rejection
	ids              map[string]bool
	localIDs         func(*adapters.Node) []string
	recs             []adapters.Record
	keep             bool
}

func (s *sink) Record(_ context.Context, r adapters.Record) error {
	s.records++
	ids := s.localIDs(r.Root)
	s.persons += len(ids)
	for _, id := range ids {
		s.ids[id] = true
	}
	if s.keep {
		s.recs = append(s.recs, r)
	}
	return nil
}

func (s *sink) Reject(_ context.Context, r adapters.Rejection) error {
	s.rejections = append(s.rejections, r)
	return nil
}

// readAll reads every file of a source with its adapter.
func readAll(t *testing.T, set *xsd.Set, dir string, src synthetic.SourceSummary, keep bool) *sink {
	t.Helper()
	rd := readers[src.Source]
	a := rd.adapter(t, set)
	defer a.Close()
	s := &sink{ids: map[string]bool{}, localIDs: rd.localIDs, keep: keep}
	var files []string
	for _, f := range src.Files {
		p := filepath.Join(dir, f)
		if st, err := os.Stat(p); err == nil && st.IsDir() { // stufbg lists its folders
			entries, err := os.ReadDir(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				files = append(files, filepath.Join(p, e.Name()))
			}
			continue
		}
		files = append(files, p)
	}
	for _, f := range files {
		in, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		err = a.Read(context.Background(), bufio.NewReader(in), s)
		in.Close()
		if err != nil {
			t.Fatalf("%s: reading %s: %v", src.Source, f, err)
		}
	}
	return s
}

func truthIDs(t *testing.T, path string) map[string]map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, ",")
		if out[f[0]] == nil {
			out[f[0]] = map[string]bool{}
		}
		out[f[0]][f[1]] = true
	}
	return out
}

func sameSet(a, b map[string]bool) (missing, extra []string) {
	for k := range a {
		if !b[k] {
			missing = append(missing, k)
		}
	}
	for k := range b {
		if !a[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

// TestOutputReadsWithShippedSchemas reads a seeded sample of every source with the adapters and the shipped
// schemas and layouts: no record is rejected, every record is read, and the local ids in the records are exactly
// those of the truth file.
func TestOutputReadsWithShippedSchemas(t *testing.T) {
	dir := t.TempDir()
	sum, err := synthetic.Generate(context.Background(), synthetic.Options{Seed: 2026, Records: 2000, Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	truth := truthIDs(t, filepath.Join(dir, sum.Truth))
	set := &xsd.Set{}
	defer set.Close()
	for _, src := range sum.Sources {
		t.Run(src.Source, func(t *testing.T) {
			s := readAll(t, set, dir, src, false)
			for i, r := range s.rejections {
				if i < 5 {
					t.Errorf("rejected: %s", r.Error())
				}
			}
			if s.records != src.Units || s.persons != src.Records {
				t.Errorf("read %d records with %d persons, summary says %d and %d", s.records, s.persons, src.Units, src.Records)
			}
			if missing, extra := sameSet(s.ids, truth[src.Source]); len(missing)+len(extra) > 0 {
				t.Errorf("local ids: %d in the records but not the truth file (%v), %d the other way (%v)",
					len(missing), head(missing), len(extra), head(extra))
			}
		})
	}
}

// TestBadRecordsAreRejected asks for bad records and checks that the adapters reject exactly those, and that
// the persons of the bad records have no truth lines of their own.
func TestBadRecordsAreRejected(t *testing.T) {
	dir := t.TempDir()
	sum, err := synthetic.Generate(context.Background(), synthetic.Options{Seed: 5, Records: 2000, Out: dir, BadRate: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	truth := truthIDs(t, filepath.Join(dir, sum.Truth))
	set := &xsd.Set{}
	defer set.Close()
	totalBad := 0
	for _, src := range sum.Sources {
		t.Run(src.Source, func(t *testing.T) {
			totalBad += src.Bad
			s := readAll(t, set, dir, src, false)
			if len(s.rejections) != src.Bad {
				t.Errorf("%d rejections, summary says %d bad records", len(s.rejections), src.Bad)
				for _, r := range s.rejections {
					t.Logf("rejected: %s %v", r.Error(), r.Problems)
				}
			}
			if s.records != src.Units-src.Bad || s.persons != src.Records-src.BadRecords {
				t.Errorf("read %d records with %d persons, want %d and %d", s.records, s.persons, src.Units-src.Bad, src.Records-src.BadRecords)
			}
			if missing, extra := sameSet(s.ids, truth[src.Source]); len(missing)+len(extra) > 0 {
				t.Errorf("local ids: %d in the good records but not the truth file, %d the other way (%v)", len(missing), len(extra), head(extra))
			}
		})
	}
	if totalBad < 20 {
		t.Errorf("only %d bad records at a 5%% bad rate", totalBad)
	}
}

func head(s []string) []string { return s[:min(3, len(s))] }

// TestOutputMapsWithShippedMappings maps every record of a seeded sample with the source's shipped mapping
// (mappings/<source>.yaml): no record may fail. A source without a shipped mapping yet is skipped. Without BSNs
// (Options.NoBSN) the records still read and map, and no person carries a BSN.
func TestOutputMapsWithShippedMappings(t *testing.T) {
	for _, noBSN := range []bool{false, true} {
		t.Run(fmt.Sprintf("noBSN=%v", noBSN), func(t *testing.T) { testOutputMaps(t, noBSN) })
	}
}

func testOutputMaps(t *testing.T, noBSN bool) {
	dir := t.TempDir()
	sum, err := synthetic.Generate(context.Background(), synthetic.Options{Seed: 11, Records: 2000, Out: dir, NoBSN: noBSN})
	if err != nil {
		t.Fatal(err)
	}
	set := &xsd.Set{}
	defer set.Close()
	for _, src := range sum.Sources {
		t.Run(src.Source, func(t *testing.T) {
			file := filepath.Join(repo, "mappings", src.Source+".yaml")
			if _, err := os.Stat(file); err != nil {
				t.Skipf("no shipped mapping %s yet", file)
			}
			m, err := mappings.Load(file)
			if err != nil {
				t.Fatalf("loading mapping: %v", err)
			}
			s := readAll(t, set, dir, src, true)
			if len(s.rejections) > 0 {
				t.Errorf("%d records rejected, first: %s", len(s.rejections), s.rejections[0].Error())
			}
			failed, withBSN := 0, 0
			for _, r := range s.recs {
				res, err := m.Map(r, canonical.Provenance{})
				if err != nil {
					if failed++; failed <= 5 {
						t.Errorf("%s: %v", r.Position, err)
					}
					continue
				}
				for _, p := range res.Persons {
					for _, id := range p.Identifiers {
						if id.Scheme == canonical.SchemeBSN {
							withBSN++
						}
					}
				}
			}
			if failed > 0 {
				t.Errorf("%d of %d records failed to map", failed, len(s.recs))
			}
			if noBSN && withBSN > 0 {
				t.Errorf("%d persons carry a BSN in a data set without BSNs", withBSN)
			}
			if !noBSN && withBSN == 0 {
				t.Errorf("no person carries a BSN")
			}
		})
	}
}
