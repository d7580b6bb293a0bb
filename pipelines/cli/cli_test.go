package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ketenpoort/ketenpoort/pipelines/config"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
	"github.com/ketenpoort/ketenpoort/pipelines/pglocal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"validate a good export", []string{"validate", "--source", "gcos", "--mappings", "../../mappings", "../../xsd/gcos/examples/casus-export.xml"},
			0, "gcos: 1 records valid, 0 rejected"},
		{"validate a schema violation", []string{"validate", "--source", "gcos", "--mappings", "../../mappings", "../../mappings/testdata/gcos/onbekende-soort.in.xml"},
			1, "soort: Element"},
		{"map", []string{"map", "--source", "gemeente-eindhoven", "--mappings", "../../mappings", "../../xsd/gemeente/examples/eindhoven.csv"},
			0, `"surnamePrefix":"van der"`},
		{"golden cases", []string{"mapping", "test", "../../mappings"}, 0, " passed, 0 failed"},
		{"unknown source", []string{"validate", "--source", "nope", "--mappings", "../../mappings", "x"}, 1, ""},
		{"missing source flag", []string{"validate", "x"}, 2, ""},
		{"unknown command", []string{"frobnicate"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.contains) {
				t.Errorf("stdout lacks %q:\n%s", tt.contains, out)
			}
		})
	}
}

func TestUnknownSourceNamesTheKnownOnes(t *testing.T) {
	_, _, errOut := run("validate", "--source", "nope", "--mappings", "../../mappings", "x")
	if !strings.Contains(errOut, `unknown source "nope"`) || !strings.Contains(errOut, "gemeente-eindhoven") {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestWriteWeightsKeepsTheRestOfTheFile(t *testing.T) {
	path := t.TempDir() + "/k.yml"
	orig := "# the ops team's settings\nlog: {format: text}\nidentity:\n  maxBlock: 300\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	w := match.DefaultWeights()
	w.Lambda = 0.000123
	if err := writeWeights(path, w); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !strings.Contains(string(got), "# the ops team's settings") {
		t.Errorf("comment lost:\n%s", got)
	}
	cfg, err := config.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Identity.MaxBlock != 300 || cfg.Identity.Match.Weights.Lambda != 0.000123 || cfg.Log.Format != "text" {
		t.Errorf("config after writing: maxBlock %d, lambda %v, log %q", cfg.Identity.MaxBlock, cfg.Identity.Match.Weights.Lambda, cfg.Log.Format)
	}
}

// testConfig writes a configuration file over a database of the test's own and returns its path.
func testConfig(t *testing.T) string {
	cfg, _ := testConfigURL(t)
	return cfg
}

// testConfigURL is testConfig that returns the database's URL too.
func testConfigURL(t *testing.T) (cfg, url string) {
	t.Helper()
	url = pgtest.TestDB(t)
	cfg = filepath.Join(t.TempDir(), "ketenpoort.yml")
	conf := fmt.Sprintf("database:\n  url: %s\nmappings: ../../mappings\nlog:\n  level: warn\n", url)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, url
}

// generate writes synthetic exports into a new folder and returns it.
func generate(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	if code, out, errOut := run(append([]string{"generate", "--out", dir}, args...)...); code != 0 {
		t.Fatalf("generate: exit %d\n%s\n%s", code, out, errOut)
	}
	return dir
}

// ingest ingests dir with the configuration cfg and returns the ingest's output and then the persons export.
func ingest(t *testing.T, cfg, dir string) (out, export string) {
	t.Helper()
	return runThenExport(t, cfg, "ingest", "--config", cfg, dir)
}

// runThenExport runs the command args, which must succeed, and returns its output and then the persons export of
// the configuration cfg.
func runThenExport(t *testing.T, cfg string, args ...string) (out, export string) {
	t.Helper()
	code, out, errOut := run(args...)
	if code != 0 {
		t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	code, export, errOut = run("persons", "export", "--config", cfg)
	if code != 0 {
		t.Fatalf("persons export: exit %d\nstderr: %s", code, errOut)
	}
	return out, export
}

// byFirstRecord reads a persons export (source, local id, person id, decision, score) with every person id
// replaced by the first record of the person, so that exports of two indexes compare.
func byFirstRecord(t *testing.T, export string) []string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(export)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("export: %v, %d rows", err, len(rows))
	}
	rows = rows[1:]
	first := map[string]string{}
	for _, r := range rows { // sorted by source and local id
		if _, ok := first[r[2]]; !ok {
			first[r[2]] = r[0] + "/" + r[1]
		}
	}
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join([]string{r[0], r[1], first[r[2]], r[3], r[4]}, ","))
	}
	return out
}

func TestIngestBackfillsWhileMappingAsFromTheStoredRecords(t *testing.T) {
	// Of these sources every record comes in one file, so the stored records read back (by transaction, then
	// source and local id) come in the order the files were mapped, and both ways must decide alike, to the
	// score: the name frequencies behind a score count the records before it. (A gemeente export carries a record
	// in several files: read back, it comes at its last place, fed while mapping at its first.)
	dir := generate(t, "--records", "3000", "--bad-rate", "0.02", "--sources", "gcos,veiligthuis,veiligthuis-vast,zsm")
	fed, fedExport := ingest(t, testConfig(t), dir)
	backfillWhileMapping = false
	defer func() { backfillWhileMapping = true }()
	read, readExport := ingest(t, testConfig(t), dir)

	if !strings.Contains(fed, "with the backfill loading the persons alongside") || strings.Contains(read, "alongside") {
		t.Fatalf("the ingests did not take the two ways:\n%s\n%s", fed, read)
	}
	resolved := func(out string) string {
		_, line, _ := strings.Cut(out, "\nresolved ")
		line, _, _ = strings.Cut(line, "\n")
		return line
	}
	if resolved(fed) == "" || resolved(fed) != resolved(read) {
		t.Errorf("fed while mapping: resolved %s\nread back: resolved %s", resolved(fed), resolved(read))
	}
	a, b := byFirstRecord(t, fedExport), byFirstRecord(t, readExport)
	if len(a) < 2000 {
		t.Fatalf("%d records in the index, want the 2500 or so of the files", len(a))
	}
	if !slices.Equal(a, b) {
		diff := 0
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				if diff < 10 {
					t.Errorf("fed while mapping %s, read back %s", a[i], b[i])
				}
				diff++
			}
		}
		t.Errorf("%d of %d records (%d read back) resolved otherwise", diff, len(a), len(b))
	}
}

func TestIngestIntoAnIndexWithPersonsResolvesOneByOne(t *testing.T) {
	cfg := testConfig(t)
	first, _ := ingest(t, cfg, generate(t, "--records", "300", "--sources", "gcos"))
	// Several hundred StUF-BG files: more transactions than the backfill's feed holds, which the mapping must not
	// wait on once the backfill has found the index not empty.
	out, export := ingest(t, cfg, generate(t, "--records", "300", "--sources", "stufbg", "--seed", "2"))
	if !strings.Contains(first, "(backfill)") || !strings.Contains(out, "one by one into an existing index") {
		t.Fatalf("first ingest:\n%s\nsecond ingest:\n%s", first, out)
	}
	var gcos, stufbg int
	for _, r := range byFirstRecord(t, export) {
		switch {
		case strings.HasPrefix(r, "gcos,"):
			gcos++
		case strings.HasPrefix(r, "stufbg,"):
			stufbg++
		}
	}
	if gcos < 250 || stufbg < 250 {
		t.Errorf("index holds %d gcos and %d stufbg records, want 300 or so of each", gcos, stufbg)
	}
}

func TestIngestThatFailsToStoreLeavesTheIndexEmpty(t *testing.T) {
	cfg, url := testConfigURL(t)
	if code, out, errOut := run("migrate", "--config", cfg); code != 0 {
		t.Fatalf("migrate: exit %d\n%s\n%s", code, out, errOut)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The database refuses the 1500th record stored: the mapping fails while the backfill is loading.
	_, err = conn.Exec(ctx, `CREATE SEQUENCE stored_records;
		CREATE FUNCTION refuse_late() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('stored_records') = 1500 THEN RAISE EXCEPTION 'refused %', NEW.local_id; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_late BEFORE INSERT ON source_records FOR EACH ROW EXECUTE FUNCTION refuse_late()`)
	if err != nil {
		t.Fatal(err)
	}
	dir := generate(t, "--records", "3000", "--sources", "gcos,zsm")
	code, out, errOut := run("ingest", "--config", cfg, dir)
	if code != 1 || !strings.Contains(errOut, "refused") {
		t.Fatalf("ingest: exit %d, want 1 with the refusal\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var persons, stored int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM person_records), (SELECT count(*) FROM source_records)`).Scan(&persons, &stored); err != nil {
		t.Fatal(err)
	}
	if persons != 0 || stored == 0 {
		t.Errorf("after the failure %d persons in the index, %d records stored; want none in the index, the records before the failure stored", persons, stored)
	}
}
