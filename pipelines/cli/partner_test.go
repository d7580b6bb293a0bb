package cli

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/pipelines/pglocal/pgtest"
)

// A partner abroad, added with a mapping file alone: its addresses have Belgian postcodes of four digits, and its
// rows carry the partner's own client number apart from the row number that is their local id.
const abroadMapping = `source: caw-kempen
partner: CAW-KEMPEN
modelVersion: "1"
description: Test partner abroad.
adapter: {type: delimited, delimiter: ";", encoding: utf-8}
localId: regel
persons:
  - id: regel
    fields:
      - {target: "identifiers[local]", from: klantnr}
      - {target: name.givenNames, from: voornaam}
      - {target: name.surname, from: achternaam, required: true}
      - {target: birthDate, from: geboortedatum, date: YYYY-MM-DD}
      - {target: "addresses[0].street", from: straat}
      - {target: "addresses[0].houseNumber", from: huisnr}
      - {target: "addresses[0].postcode", from: postcode}
      - {target: "addresses[0].city", from: gemeente}
      - {target: "addresses[0].country", from: land}
`

const abroadRows = `regel;klantnr;voornaam;achternaam;geboortedatum;straat;huisnr;postcode;gemeente;land
1;K-1001;Jan;Peeters;1971-03-14;Grote Markt;12;2300;Turnhout;BE
2;K-2002;Jna;Peeters;1971-03-15;Grote Markt;12;2300;Turnhout;BE
3;K-3003;Maria;Janssens;;Kerkstraat;4;2000;Antwerpen;BE
4;K-3003;Marie;Janssens;;;;;;
5;K-5005;Jan;Peeters;1985-06-02;Molenstraat;3;2000;Antwerpen;BE
`

// TestIngestPartnerAbroad ingests the partner's rows through the whole pipeline: a mistyped first name and birth
// date at one street, number and place link (the street stands in for the postcode), so do two rows with one
// client number (an identifier other than the BSN), and a namesake born elsewhere and in another year does not.
func TestIngestPartnerAbroad(t *testing.T) {
	cfg, dir := partnerSetup(t, "caw-kempen", abroadMapping, map[string]string{"export.csv": abroadRows})
	out, export := ingest(t, cfg, dir)
	rows, err := csv.NewReader(strings.NewReader(export)).ReadAll()
	if err != nil || len(rows) != 6 {
		t.Fatalf("export: %v, %d rows, want a header and 5\n%s\n%s", err, len(rows), export, out)
	}
	person := map[string]string{}
	for _, r := range rows[1:] {
		person[r[1]] = r[2]
	}
	same := func(a, b string) bool { return person[a] == person[b] }
	if !same("1", "2") {
		t.Error("rows 1 and 2 (one street, number and place; first name and birth date mistyped): two persons")
	}
	if !same("3", "4") {
		t.Error("rows 3 and 4 (one client number): two persons")
	}
	if same("1", "5") {
		t.Error("rows 1 and 5 (namesakes born in other years at other addresses): one person")
	}
}

// partnerSetup writes a partner's mapping file (as NAME.yaml in a mappings folder), its files (in a folder NAME of
// the returned dir, for ingest to take as that source's) and a configuration on a fresh test database, and
// returns the configuration's path and dir.
func partnerSetup(t *testing.T, name, mapping string, files map[string]string) (cfg, dir string) {
	t.Helper()
	dir = t.TempDir()
	maps, data := filepath.Join(dir, "mappings"), filepath.Join(dir, name)
	for _, d := range []string{maps, data} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(maps, name+".yaml"), []byte(mapping), 0o600); err != nil {
		t.Fatal(err)
	}
	for file, content := range files {
		if err := os.WriteFile(filepath.Join(data, file), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg = filepath.Join(dir, "ketenpoort.yml")
	conf := fmt.Sprintf("database:\n  url: %s\nmappings: %s\nlog:\n  level: warn\n", pgtest.TestDB(t), maps)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, dir
}

func TestIngestInputs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"gen/gcos/a.xml", "gen/zsm/b.xml", "gen/truth.csv", "gen/other/c.txt", "gcos/d.xml", "empty/x.txt"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	known := map[string]bool{"gcos": true, "zsm": true}
	show := func(in []ingestInput) string {
		var out []string
		for _, i := range in {
			rel, _ := filepath.Rel(dir, i.path)
			out = append(out, i.source+":"+filepath.ToSlash(rel))
		}
		return strings.Join(out, " ")
	}
	for _, tt := range []struct {
		src, path, want string
	}{
		{"", "gen", "gcos:gen/gcos/a.xml zsm:gen/zsm/b.xml"},
		{"", "gcos", "gcos:gcos/d.xml"},
		{"zsm", "gcos", "zsm:gcos/d.xml"},
		{"", "empty", "error"},
	} {
		in, err := ingestInputs(tt.src, []string{filepath.Join(dir, tt.path)}, known)
		got := show(in)
		if err != nil {
			got = "error"
			if !strings.Contains(err.Error(), "known: gcos, zsm") {
				t.Errorf("%s: error %v does not name the known sources", tt.path, err)
			}
		}
		if got != tt.want {
			t.Errorf("ingestInputs(%q, %s) = %s, want %s", tt.src, tt.path, got, tt.want)
		}
	}
}
