package mappings

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/canonical"
)

// el builds an element node with children; leaf and attr build its text and attribute children.
func el(name string, children ...*adapters.Node) *adapters.Node {
	return &adapters.Node{Name: name, Children: children}
}

func leaf(name, text string, children ...*adapters.Node) *adapters.Node {
	return &adapters.Node{Name: name, Text: text, Children: children}
}

func attr(name, text string) *adapters.Node { return &adapters.Node{Name: "@" + name, Text: text} }

func mustParse(t testing.TB, src string) *Mapping {
	t.Helper()
	m, err := parse("test.yaml", []byte(src), os.ReadFile)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return m
}

const head = "source: t\npartner: p\nmodelVersion: \"1\"\n"

// TestMapFields maps one person through rules of each kind and compares its JSON.
func TestMapFields(t *testing.T) {
	tests := []struct {
		name   string
		fields string // YAML list items of the person's fields
		lookup string // YAML of the lookups key
		root   *adapters.Node
		want   string // JSON of the mapped person, provenance cleared
	}{
		{
			name:   "trim and collapse",
			fields: "- {target: name.givenNames, from: v, transform: [collapse]}",
			root:   el("r", leaf("v", "  Jan   Piet ")),
			want:   `{"name":{"givenNames":"Jan Piet"}}`,
		},
		{
			name:   "StUF noValue and xsi nil are absent",
			fields: "- {target: name.surname, from: a, default: onbekend}\n- {target: name.givenNames, from: b, default: x}",
			root:   el("r", leaf("a", "Jansen", attr("noValue", "geenWaarde")), leaf("b", "Piet", attr("nil", "true"))),
			want:   `{"name":{"givenNames":"x","surname":"onbekend"}}`,
		},
		{
			name:   "concat with separator skips absent parts",
			fields: "- {target: name.givenNames, from: [a, b, c], separator: \"-\"}",
			root:   el("r", leaf("a", "Anna"), leaf("c", "Maria")),
			want:   `{"name":{"givenNames":"Anna-Maria"}}`,
		},
		{
			name:   "attribute and nested path",
			fields: "- {target: name.initials, from: naam/@voorletters}",
			root:   el("r", el("naam", attr("voorletters", "J.P."))),
			want:   `{"name":{"initials":"J.P."}}`,
		},
		{
			name:   "split surname",
			fields: "- {target: name.partnerSurname, from: a, transform: [splitSurname]}",
			root:   el("r", leaf("a", "van den Heuvel")),
			want:   `{"name":{"partnerSurnamePrefix":"van den","partnerSurname":"Heuvel"}}`,
		},
		{
			name:   "lookup ignoring case with default",
			fields: "- {target: gender, from: g, transform: [{lookup: g}]}",
			lookup: "g: {values: {MAN: M, VROUW: V}, ignoreCase: true, default: O}",
			root:   el("r", leaf("g", "Vrouw")),
			want:   `{"name":{},"gender":"V"}`,
		},
		{
			name:   "lookup default for an unknown code",
			fields: "- {target: gender, from: g, transform: [{lookup: g}]}",
			lookup: "g: {values: {man: M}, default: O}",
			root:   el("r", leaf("g", "x")),
			want:   `{"name":{},"gender":"O"}`,
		},
		{
			name:   "partial dates through a layout",
			fields: "- {target: birthDate, from: d, date: DD-MM-YYYY}\n- {target: deathDate, from: e, date: YYYYMMDD}",
			root:   el("r", leaf("d", "00-00-1968"), leaf("e", "20200500")),
			want:   `{"name":{},"birthDate":"1968","deathDate":"2020-05"}`,
		},
		{
			name:   "date without layout",
			fields: "- {target: birthDate, from: d}",
			root:   el("r", leaf("d", "1968-03-12")),
			want:   `{"name":{},"birthDate":"1968-03-12"}`,
		},
		{
			name:   "int with replace",
			fields: "- {target: 'addresses[0].houseNumber', from: h, transform: [{replace: {pattern: '[^0-9]+$', with: ''}}, int]}",
			root:   el("r", leaf("h", "007bis")),
			want:   `{"name":{},"addresses":[{"houseNumber":7}]}`,
		},
		{
			name:   "conditions",
			fields: "- {target: name.givenNames, from: a, when: {field: k, in: [x, y]}}\n- {target: name.initials, from: a, when: {field: k, matches: '^z'}}\n- {target: birthPlace, from: a, when: [{field: k, present: true}, {field: q, absent: true}]}",
			root:   el("r", leaf("a", "v"), leaf("k", "y")),
			want:   `{"name":{"givenNames":"v"},"birthPlace":"v"}`,
		},
		{
			name:   "constant and prefix",
			fields: "- {target: birthPlace, value: Utrecht}\n- {target: 'identifiers[local]', from: n, transform: [{prefix: 'K-'}], issuer: x}",
			root:   el("r", leaf("n", "12")),
			want:   `{"identifiers":[{"scheme":"local","issuer":"x","value":"K-12"}],"name":{},"birthPlace":"Utrecht"}`,
		},
		{
			name:   "absolute path from a repetition",
			fields: "- {target: birthPlace, from: /plaats}",
			root:   el("r", leaf("plaats", "Breda")),
			want:   `{"name":{},"birthPlace":"Breda"}`,
		},
		{
			name:   "split house number",
			fields: "- {target: 'addresses[0].houseNumber', from: h, transform: [splitHouseNumber]}",
			root:   el("r", leaf("h", "12A-3")),
			want:   `{"name":{},"addresses":[{"houseNumber":12,"houseLetter":"A","houseNumberAddition":"3"}]}`,
		},
		{
			name:   "postcode normalised",
			fields: "- {target: 'addresses[1].postcode', from: p}",
			root:   el("r", leaf("p", " 5611 ab ")),
			want:   `{"name":{},"addresses":[{},{"postcode":"5611AB"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := head
			if tt.lookup != "" {
				src += "lookups:\n  " + tt.lookup + "\n"
			}
			src += "persons:\n  - fields:\n" + indent(tt.fields, "      ")
			m := mustParse(t, src)
			rec, err := m.Map(adapters.Record{Root: tt.root, Position: adapters.Position{Index: 1}}, canonical.Provenance{})
			if err != nil {
				t.Fatalf("Map: %v", err)
			}
			if len(rec.Persons) != 1 {
				t.Fatalf("got %d persons, want 1", len(rec.Persons))
			}
			p := rec.Persons[0]
			p.Provenance = canonical.Provenance{}
			b, _ := json.Marshal(p)
			got := strings.Replace(string(b), `"provenance":{"source":"","localId":"","receivedAt":"0001-01-01T00:00:00Z"},`, "", 1)
			if got != tt.want {
				t.Errorf("person =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestMapBooleans checks the yes/no code lists.
func TestMapBooleans(t *testing.T) {
	tests := []struct {
		codes, value string
		want         *bool
		wantErr      bool
	}{
		{"jn", "J", ptr(true), false},
		{"jn", "n", ptr(false), false},
		{"jn", "ja", nil, true},
		{"janee", "Nee", ptr(false), false},
		{"truefalse", "true", ptr(true), false},
		{"10", "0", ptr(false), false},
		{"", "ja", ptr(true), false},
		{"", "N", ptr(false), false},
		{"", "misschien", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.codes+"/"+tt.value, func(t *testing.T) {
			opt := ""
			if tt.codes != "" {
				opt = ", bool: '" + tt.codes + "'"
			}
			m := mustParse(t, head+"cases:\n  - fields:\n      - {target: subjectInformed, from: g"+opt+"}\n")
			rec, err := m.Map(adapters.Record{Root: el("r", leaf("g", tt.value))}, canonical.Provenance{})
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidValue) {
					t.Fatalf("err = %v, want ErrInvalidValue", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := rec.Cases[0].SubjectInformed
			if got == nil || *got != *tt.want {
				t.Errorf("subjectInformed = %v, want %v", got, *tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestMapErrors checks the structured errors: file and line of the rule, the source field, the record position.
func TestMapErrors(t *testing.T) {
	src := head + `lookups:
  soort: {values: {A: pga}}
cases:
  - fields:
      - {target: kind, from: soort, transform: [{lookup: soort}]}
      - {target: aveLevel, from: ave}
      - {target: status, from: st}
    lists:
      - target: involvements
        foreach: leden/lid
        fields: [{target: role, value: kind}]
        person:
          id: "@id"
          fields:
            - target: name.surname
              from: naam
              required: true
            - target: birthPlace
              from: plaats
              pattern: '^[A-Z]'
`
	m := mustParse(t, src)
	root := el("casus", leaf("soort", "B"), leaf("ave", "x"), leaf("st", "open"),
		el("leden", el("lid", attr("id", "1"), leaf("naam", "A")), el("lid", attr("id", "2"), leaf("plaats", "utrecht"))))
	root.Children[3].Children[1].Line = 40
	_, err := m.Map(adapters.Record{Root: root, Position: adapters.Position{Index: 4, Line: 30, Path: "/export/casus[4]"}}, canonical.Provenance{})
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("err = %v (%T), want Errors", err, err)
	}
	want := []string{
		`test.yaml:8: rule kind: value of 'soort' is code "B", not in code list soort (record 4, line 30, /export/casus[4])`,
		`test.yaml:9: rule aveLevel: value of 'ave' is not an integer (record 4, line 30, /export/casus[4])`,
		`test.yaml:10: rule status: value of 'st' is not one of aangemeld, triage, in-behandeling, afgesloten (record 4, line 30, /export/casus[4])`,
		`test.yaml:18: rule involvements.person.name.surname: required field 'leden/lid[2]/naam' missing (record 4, line 40, /export/casus[4])`,
		`test.yaml:21: rule involvements.person.birthPlace: value of 'leden/lid[2]/plaats' does not match ^[A-Z] (record 4, line 40, /export/casus[4])`,
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	for i, sentinel := range []error{ErrUnknownCode, ErrInvalidValue, ErrInvalidValue, ErrRequired, ErrPattern} {
		if !errors.Is(es[i], sentinel) {
			t.Errorf("error %d does not wrap %v", i, sentinel)
		}
	}
	if es[3].Field != "leden/lid[2]/naam" || es[3].Line != 18 || es[3].File != "test.yaml" {
		t.Errorf("error fields = %+v", es[3])
	}

	_, err = m.Map(adapters.Record{Position: adapters.Position{Index: 2}}, canonical.Provenance{})
	if !errors.Is(err, ErrNoTree) {
		t.Errorf("Map without a tree: err = %v, want ErrNoTree", err)
	}
}

// TestMapUnknownColumn maps rows whose header lacks a column the mapping reads: every row fails naming the
// column, the rule and the input's columns, rather than mapping to a record without the column's data.
func TestMapUnknownColumn(t *testing.T) {
	m := mustParse(t, head+`localId: id
persons:
  - id: id
    fields:
      - {target: name.givenNames, from: voornaam}
      - {target: name.surname, from: achternaam}
`)
	good := []string{"id", "voornaam", "achternaam"}
	bad := []string{"id", "voornam", "achternaam"}
	for i, names := range [][]string{good, bad, bad, good} {
		row := &adapters.Columns{Name: "row", Line: i + 2, Names: names, Values: []string{"1", "Jan", "Jansen"}}
		rec, err := m.Map(adapters.Record{Columns: row, Position: adapters.Position{Index: i + 1, Line: i + 2}}, canonical.Provenance{})
		if names[1] == "voornaam" {
			if err != nil || len(rec.Persons) != 1 || rec.Persons[0].Name.GivenNames != "Jan" {
				t.Errorf("row %d: %v, %+v", i+1, err, rec.Persons)
			}
			continue
		}
		want := fmt.Sprintf(`test.yaml:8: rule from: column "voornaam" is not in the input, whose columns are "id", "voornam", "achternaam" (record %d, line %d)`, i+1, i+2)
		if !errors.Is(err, ErrUnknownColumn) || err.Error() != want {
			t.Errorf("row %d: err = %v, want %s", i+1, err, want)
		}
	}
}

// TestMapProvenanceAndFindings checks provenance defaults, local ids, carried and own findings.
func TestMapProvenanceAndFindings(t *testing.T) {
	src := head + `localId: nr
persons:
  - foreach: p
    id: "@id"
    fields:
      - {target: 'identifiers[bsn]', from: bsn}
      - {target: name.surname, from: naam}
      - {target: birthPlace, from: plaats, pattern: '^[A-Z]', onInvalid: finding}
  - lists:
      - target: identifiers
        fields:
          - {target: scheme, value: bsn}
          - {target: value, from: bsn2}
    id: nr
cases:
  - fields:
      - {target: labels, from: labels, split: ","}
`
	m := mustParse(t, src)
	root := el("r", leaf("nr", "R1"), leaf("bsn2", "123456789"), leaf("labels", "a, b,,c"),
		el("p", attr("id", "P1"), leaf("bsn", "1234.56.782"), leaf("naam", "X")),
		el("p", attr("id", "P2"), leaf("naam", "Y"), leaf("plaats", "kleine letter")),
		el("p", attr("id", "P3")))
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	in := adapters.Record{Root: root, Findings: []canonical.Finding{{Code: "schema", Message: "lenient"}}}
	rec, err := m.Map(in, canonical.Provenance{ReceivedAt: at, MessageID: "m1", LocalID: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	wantProv := canonical.Provenance{Source: "t", Partner: "p", LocalID: "R1", ReceivedAt: at, MessageID: "m1"}
	if rec.Provenance != wantProv || rec.ModelVersion != canonical.ModelVersion {
		t.Errorf("record provenance = %+v, version %q", rec.Provenance, rec.ModelVersion)
	}
	var ids []string
	for _, p := range rec.Persons {
		ids = append(ids, p.Provenance.LocalID)
	}
	if got := strings.Join(ids, ","); got != "P1,P2,R1" {
		t.Errorf("person ids = %s, want P1,P2,R1 (P3 has nothing mapped and is left out)", got)
	}
	if id := rec.Persons[0].Identifiers[0]; id.Value != "123456782" || id.Invalid {
		t.Errorf("valid bsn = %+v", id)
	}
	if id := rec.Persons[2].Identifiers[0]; id.Value != "123456789" || !id.Invalid {
		t.Errorf("list-mapped bsn failing the elfproef = %+v, want invalid", id)
	}
	if rec.Persons[1].BirthPlace != "" {
		t.Errorf("lenient rule kept an invalid value")
	}
	var codes []string
	for _, f := range rec.Findings {
		codes = append(codes, f.Code+"@"+f.Path)
		if strings.Contains(f.Message, "123456789") || strings.Contains(f.Message, "kleine") {
			t.Errorf("finding %+v repeats the value", f)
		}
	}
	if got, want := strings.Join(codes, " "), "schema@ mapping-invalid@p[2]/plaats bsn-elfproef@"; got != want {
		t.Errorf("findings = %s, want %s", got, want)
	}
	if got := strings.Join(rec.Cases[0].Labels, "|"); got != "a|b|c" {
		t.Errorf("labels = %s", got)
	}
}

// TestMapInvolvements checks that a foreach over betrokkenen makes a person each and links it to the case.
func TestMapInvolvements(t *testing.T) {
	m, err := Load("testdata/partners/gcos-casus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	root := el("casus", leaf("casusnummer", "C1"), leaf("soort", "PGA"),
		el("betrokkenen",
			el("betrokkene", attr("id", "A"), leaf("rol", "pleger"), leaf("geslachtsnaam", "X")),
			el("betrokkene", attr("id", "B"), leaf("rol", "slachtoffer"), leaf("geslachtsnaam", "Y"))))
	rec, err := m.Map(adapters.Record{Root: root}, canonical.Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Cases) != 1 || len(rec.Persons) != 2 {
		t.Fatalf("got %d cases, %d persons", len(rec.Cases), len(rec.Persons))
	}
	inv := rec.Cases[0].Involvements
	if len(inv) != 2 || inv[0] != (canonical.Involvement{Person: "A", Role: canonical.RolePleger}) ||
		inv[1] != (canonical.Involvement{Person: "B", Role: canonical.RoleSlachtoffer}) {
		t.Errorf("involvements = %+v", inv)
	}
	if rec.Persons[1].Provenance.LocalID != "B" || rec.Persons[1].Name.Surname != "Y" {
		t.Errorf("second person = %+v", rec.Persons[1])
	}
}

// TestMapPositionAndIndex reads the position of a repetition (#position) and picks one of several same-named
// children (name[n], name[last]).
func TestMapPositionAndIndex(t *testing.T) {
	m := mustParse(t, head+`localId: id
persons:
  - foreach: slachtoffer
    id: {from: [/id, "#position"], separator: "-S"}
    fields:
      - {target: name.surname, from: naam}
  - id: {from: [/id, "object[last]/key"], separator: "-"}
    fields:
      - {target: name.surname, from: "object[last]/naam"}
      - {target: name.givenNames, from: "object[1]/naam"}
`)
	root := el("bericht", leaf("id", "B7"),
		el("slachtoffer", leaf("naam", "Jansen")), el("slachtoffer", leaf("naam", "Pietersen")),
		el("object", leaf("key", "oud"), leaf("naam", "Oud")), el("object", leaf("key", "nieuw"), leaf("naam", "Nieuw")))
	rec, err := m.Map(adapters.Record{Root: root}, canonical.Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rec.Persons {
		got = append(got, p.Provenance.LocalID+":"+p.Name.GivenNames+":"+p.Name.Surname)
	}
	want := []string{"B7-S1::Jansen", "B7-S2::Pietersen", "B7-nieuw:Oud:Nieuw"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("persons = %v, want %v", got, want)
	}
	for _, bad := range []string{"object[0]/naam", "object[x]/naam", "[2]", "object[2/naam"} {
		if _, err := parse("t.yaml", []byte(head+"persons:\n  - fields:\n      - {target: name.surname, from: \""+bad+"\"}\n"), os.ReadFile); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
}

// TestModelLists: every list of structures in the model has typed operations and a room.
func TestModelLists(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		if seen[typ] || typ.PkgPath() != typeRecord.PkgPath() {
			return
		}
		seen[typ] = true
		for i := 0; i < typ.NumField(); i++ {
			ft := typ.Field(i).Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
					if _, ok := modelLists[ft.Elem()]; !ok {
						t.Errorf("no typed list operations for %s", ft.Elem())
					}
				}
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				walk(ft)
			}
		}
	}
	walk(typeRecord)
}
