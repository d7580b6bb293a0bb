package mappings

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/canonical"
)

// fuzzNames are the element and attribute names the example mappings read, so that fuzzed trees reach their
// rules, and a few they do not.
var fuzzNames = []string{
	"casusnummer", "soort", "labels", "label", "status", "aveNiveau", "themas", "thema", "startdatum", "einddatum",
	"betrokkeneGeinformeerd", "redenNietGeinformeerd", "betrokkenen", "betrokkene", "@id", "rol", "bsn", "voornamen",
	"voorletters", "voorvoegsel", "geslachtsnaam", "naamgebruik", "geboortedatum", "geslacht", "adres", "straat",
	"huisnummer", "postcode", "woonplaats", "partners", "partner", "@rol", "@code", "naam", "contactpersoon", "plan",
	"vastgesteld", "actie", "@partner", "omschrijving", "deadline", "meldingen", "melding", "@nummer", "datum",
	"melder", "categorie", "@noValue", "@nil", "Dossiernummer", "Clientnummer", "BSN", "Voornamen", "Achternaam",
	"Geslacht", "Geboortedatum", "Straat", "Huisnummer", "Toevoeging", "Postcode", "Woonplaats", "Casussoort",
	"Status", "AVE", "Themas", "Aanmelddatum", "Geinformeerd", "RedenNietGeinformeerd", "Regisseur", "x", "",
}

// fuzzTree builds a record tree from bytes: each byte is an instruction (open a child, close it, give the
// current node text, add an attribute), its operand taken from the next byte.
func fuzzTree(data []byte) *adapters.Node {
	root := &adapters.Node{Name: "casus", Line: 1}
	stack := []*adapters.Node{root}
	for i := 0; i+1 < len(data) && len(stack) < 64; i += 2 {
		cur := stack[len(stack)-1]
		op, arg := data[i]%5, data[i+1]
		name := fuzzNames[int(arg)%len(fuzzNames)]
		switch op {
		case 0, 1:
			n := &adapters.Node{Name: name, Line: i/2 + 1}
			cur.Children = append(cur.Children, n)
			stack = append(stack, n)
		case 2:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case 3:
			end := min(len(data), i+2+int(arg%16))
			cur.Text = string(data[i+2 : end])
			i = end - 2
		case 4:
			cur.Children = append(cur.Children, &adapters.Node{Name: "@" + strings.TrimPrefix(name, "@"), Text: string(rune(arg))})
		}
	}
	return root
}

func FuzzMap(f *testing.F) {
	ms, err := LoadDir("testdata/partners")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{0, 0, 3, 4, 'C', '-', '1', 2, 0, 0, 1, 0, 3, 3, 'C', 'O', 'M', 2, 0})
	f.Add([]byte{0, 12, 0, 13, 4, 14, 0, 15, 3, 5, 'p', 'l', 'e', 'g', 'e', 2, 0, 0, 18, 3, 4, 'J', 'a', 'n', 's'})
	f.Add([]byte{0, 49, 3, 3, 'D', '-', '1', 2, 0, 0, 53, 3, 6, 'v', 'a', 'n', ' ', 'X', 'Y', 2, 0, 0, 68, 3, 3, 'A', 'V', 'E'})
	f.Fuzz(func(t *testing.T, data []byte) {
		root := fuzzTree(data)
		for _, m := range ms {
			rec, err := m.Map(adapters.Record{Root: root, Position: adapters.Position{Index: 7, Line: 3}}, GoldenProvenance)
			if err != nil {
				checkMapError(t, m, err)
				continue
			}
			if _, err := json.Marshal(rec); err != nil {
				t.Fatalf("%s: mapped record does not marshal: %v", m.Name(), err)
			}
			ids := map[string]bool{}
			for _, p := range rec.Persons {
				ids[p.Provenance.LocalID] = true
			}
			for _, c := range rec.Cases {
				for _, inv := range c.Involvements {
					if !ids[inv.Person] {
						t.Fatalf("%s: involvement refers to a person the record lacks", m.Name())
					}
				}
			}
		}
	})
}

// checkMapError checks that a mapping error is well-formed: structured, locating its rule and record.
func checkMapError(t *testing.T, m *Mapping, err error) {
	t.Helper()
	var list []*Error
	var es Errors
	var e *Error
	switch {
	case errors.As(err, &es):
		list = es
	case errors.As(err, &e):
		list = []*Error{e}
	default:
		t.Fatalf("%s: error %T is not a mapping error: %v", m.Name(), err, err)
	}
	for _, e := range list {
		if e.File != m.File() || e.Line <= 0 || e.Rule == "" || e.Position.Index != 7 {
			t.Fatalf("%s: malformed error %+v", m.Name(), e)
		}
		if !errors.Is(e, ErrRequired) && !errors.Is(e, ErrUnknownCode) && !errors.Is(e, ErrPattern) && !errors.Is(e, ErrInvalidValue) {
			t.Fatalf("%s: error wraps no sentinel: %v", m.Name(), e)
		}
		if !strings.HasPrefix(e.Error(), m.File()+":") || !strings.Contains(e.Error(), "(record 7") {
			t.Fatalf("%s: error text %q does not locate the rule and record", m.Name(), e.Error())
		}
	}
}

func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/partners/*.yaml")
	more, _ := filepath.Glob("testdata/load/*.yaml")
	for _, s := range append(seeds, more...) {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	noFiles := func(string) ([]byte, error) { return nil, os.ErrNotExist }
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parse("fuzz.yaml", data, noFiles)
		if err != nil {
			for _, e := range unjoin(err) {
				var le *LoadError
				if !errors.As(e, &le) || le.File != "fuzz.yaml" || le.Msg == "" {
					t.Fatalf("load error %T is not a well-formed *LoadError: %v", e, e)
				}
			}
			return
		}
		root := fuzzTree(data)
		if _, err := m.Map(adapters.Record{Root: root, Position: adapters.Position{Index: 7}}, canonical.Provenance{}); err != nil {
			checkMapError(t, m, err)
		}
	})
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// FuzzMapColumns maps fuzzed rows of the CSV mappings twice, as columns and as the tree of the same row: the
// canonical record, or the error, must be the same.
func FuzzMapColumns(f *testing.F) {
	var ms []*Mapping
	for _, path := range []string{"gemeente-eindhoven.yaml", "gemeente-helmond.yaml", "testdata/partners/gemeente-voorbeeld.yaml"} {
		m, err := Load(path)
		if err != nil {
			f.Fatal(err)
		}
		if !m.flat {
			f.Fatalf("%s reads more than columns", path)
		}
		ms = append(ms, m)
	}
	f.Add([]byte("EHV-P-1\x00111222333\x00Jan  Piet\x00v.d.\x00Meijden\x0000-00-1968\x00m\x00Kerkstraat\x0012\x00a\x005611 AB\x00Eindhoven\x00D-1\x00huiselijk geweld\x0001-03-2026\x00Wijkteam"), uint8(0))
	f.Add([]byte("K1\x00\x00123456782\x00J.\x00Jan\x00van\x00Dijk\x0019680512\x00V\x00Straat\x0012a-2\x005611AB\x00Helmond\x00\x00huiselijk geweld"), uint8(1))
	f.Add([]byte("C-1\x00999993628\x00\x00 \x00x\x00"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, pick uint8) {
		m := ms[int(pick)%len(ms)]
		names := append(append([]string{}, m.columns...), "onbekend", m.columns[0])
		values := strings.Split(string(data), "\x00")
		row := &adapters.Columns{Name: "row", Line: 3, Names: names, Values: make([]string, len(names))}
		for i := range row.Values {
			row.Values[i] = values[i%len(values)]
		}
		pos := adapters.Position{Index: 7, Line: 3}
		flat, flatErr := m.Map(adapters.Record{Columns: row, Position: pos}, GoldenProvenance)
		tree, treeErr := m.Map(adapters.Record{Root: row.Tree(), Position: pos}, GoldenProvenance)
		// A tree that is not flat is read node by node, without the columns' positions.
		deep := row.Tree()
		deep.Children = append(deep.Children, &adapters.Node{Name: "z", Children: []*adapters.Node{{Name: "y"}}})
		slow, slowErr := m.Map(adapters.Record{Root: deep, Position: pos}, GoldenProvenance)
		a, _ := json.Marshal(flat)
		for _, other := range []struct {
			name string
			rec  canonical.Record
			err  error
		}{{"a tree", tree, treeErr}, {"a deep tree", slow, slowErr}} {
			if fmt.Sprint(flatErr) != fmt.Sprint(other.err) {
				t.Fatalf("%s: as columns: %v; as %s: %v", m.Name(), flatErr, other.name, other.err)
			}
			if b, _ := json.Marshal(other.rec); string(a) != string(b) {
				t.Fatalf("%s: as columns:\n%s\nas %s:\n%s", m.Name(), a, other.name, b)
			}
		}
	})
}
