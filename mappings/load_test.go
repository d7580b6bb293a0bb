package mappings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadBad checks that each broken mapping file fails to load with its file, line and a clear message.
func TestLoadBad(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"bad-date-layout.bad.yaml", `:5:9: date: layout "DD-MM-YY" has no YYYY`},
		{"bad-default.bad.yaml", `:5:17: default "hoog" does not fit target aveLevel: is not an integer`},
		{"bad-pattern.bad.yaml", ":5:9: pattern: error parsing regexp: missing closing ]"},
		{"involvement-no-person.bad.yaml", `:5:9: an involvement needs a person block or a field rule with target "person"`},
		{"list-as-field.bad.yaml", `:5:17: target "involvements" is a list: map it with a list block`},
		{"lookup-enum.bad.yaml", `:8:17: code list soorten value "casus-opmaat" does not fit target kind: want one of casus-op-maat, pga,`},
		{"missing-code-file.bad.yaml", ":4:3: lookup soorten: reading code list: open "},
		{"missing-keys.bad.yaml", `:1:1: mapping: missing key "source"`},
		{"missing-keys.bad.yaml", `:4:9: field: give "from" (a source field) or "value" (a constant)`},
		{"missing-lookup.bad.yaml", `:7:21: transform lookup: no code list "soorten"; the mapping has no lookups`},
		{"model-version.bad.yaml", `:2: modelVersion "2": this build maps to canonical model version "1"`},
		{"repeated-person-no-id.bad.yaml", `:4:5: a repeated person needs an "id"`},
		{"split-surname-target.bad.yaml", `:7:21: splitSurname needs a surname target (name.surname, name.partnerSurname), not "name.givenNames"`},
		{"syntax.bad.yaml", ":3: did not find expected key"},
		{"unknown-key.bad.yaml", `:7:9: field: unknown key "requird" (did you mean "required"?)`},
		{"unknown-list.bad.yaml", `:5:9: unknown target field "signalen" in case (did you mean "signals"?)`},
		{"unknown-scheme.bad.yaml", `:5:17: target "identifiers[bsnn]": unknown identifier scheme "bsnn"`},
		{"unknown-target.bad.yaml", `:5:17: unknown target field "name.surnam" in person (did you mean "surname"?); name has: givenNames,`},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file+tt.want[:6], func(t *testing.T) {
			path := filepath.Join("testdata", "load", tt.file)
			m, err := Load(path)
			if err == nil {
				t.Fatalf("Load(%s) = %v, want an error", path, m.Name())
			}
			if want := path + tt.want; !strings.Contains(err.Error(), want) {
				t.Errorf("Load(%s) error:\n%v\nwant it to contain:\n%s", path, err, want)
			}
			var le *LoadError
			if !errors.As(err, &le) || le.File != path {
				t.Errorf("error %v is not a *LoadError for %s", err, path)
			}
		})
	}
	bad, _ := filepath.Glob("testdata/load/*.bad.yaml")
	for _, f := range bad {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no expected error in the table", f)
		}
	}
}

// TestLoadGood checks that the good configurations and every shipped example mapping load.
func TestLoadGood(t *testing.T) {
	files, _ := filepath.Glob("testdata/load/*.good.yaml")
	more, _ := filepath.Glob("testdata/partners/*.yaml")
	files = append(files, more...)
	if len(files) < 3 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if _, err := Load(f); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLoadDir(t *testing.T) {
	ms, err := LoadDir("testdata/partners")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Name()+"="+m.Source())
	}
	if got, want := strings.Join(names, ","), "gcos-casus=gcos,gemeente-voorbeeld=gemeente-voorbeeld"; got != want {
		t.Errorf("LoadDir mappings = %s, want %s (code-list files skipped)", got, want)
	}

	dir := t.TempDir()
	src := "source: same\nmodelVersion: \"1\"\n"
	for _, f := range []string{"a.yaml", "b.yml"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), `source "same" is already mapped by`) {
		t.Errorf("LoadDir with two mappings of one source: err = %v", err)
	}
}

// TestLoadReportsAllProblems checks that one load names every problem of a file, in line order.
func TestLoadReportsAllProblems(t *testing.T) {
	src := `source: x
modelVersion: "1"
persons:
  - fields:
      - {target: name.surnam, from: a}
      - {target: gender, from: b, transform: [{lookup: nope}]}
      - {target: birthDate, from: c, bool: jn}
`
	_, err := parse("x.yaml", []byte(src), os.ReadFile)
	if err == nil {
		t.Fatal("want errors")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d problems, want 3:\n%v", len(lines), err)
	}
	for i, prefix := range []string{"x.yaml:5:", "x.yaml:6:", "x.yaml:7:"} {
		if !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("problem %d = %q, want prefix %q", i, lines[i], prefix)
		}
	}
}
