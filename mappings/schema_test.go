package mappings

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestSchemaInSync fails when mapping.schema.json is not what JSONSchema generates; -update rewrites it.
func TestSchemaInSync(t *testing.T) {
	got := JSONSchema()
	if *update {
		if err := os.WriteFile("mapping.schema.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("mapping.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Fatal("mapping.schema.json is stale: run go generate ./mappings (go test ./mappings -run TestSchemaInSync -update)")
	}
}

// TestSchemaTargets checks that the schema offers the targets the loader accepts, and only those.
func TestSchemaTargets(t *testing.T) {
	var s struct {
		Defs map[string]struct {
			Properties map[string]struct {
				AnyOf []struct {
					Enum []string `json:"enum"`
				} `json:"anyOf"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(JSONSchema(), &s); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		def, present, absent string
	}{
		{"rule.Person", "name.surname", "name.surnam"},
		{"rule.Person", "identifiers[bsn]", "identifiers"},
		{"rule.Person", "addresses[0].postcode", "provenance.receivedAt"},
		{"rule.Case", "plan.established", "involvements"},
		{"rule.Involvement", "role", "person.name"},
	} {
		enum := s.Defs[tt.def].Properties["target"].AnyOf[0].Enum
		joined := "," + strings.Join(enum, ",") + ","
		if !strings.Contains(joined, ","+tt.present+",") {
			t.Errorf("%s targets lack %s", tt.def, tt.present)
		}
		if strings.Contains(joined, ","+tt.absent+",") {
			t.Errorf("%s targets offer %s", tt.def, tt.absent)
		}
		for _, target := range enum {
			if _, err := resolveTarget(typeByName(t, tt.def), target); err != nil {
				t.Errorf("schema offers %s target %s, which the loader rejects: %v", tt.def, target, err)
			}
		}
	}
	for _, def := range []string{"block.Signal", "block.PlanAction", "block.Offence", "block.Identifier", "transformStep", "lookup"} {
		if _, ok := s.Defs[def]; !ok {
			t.Errorf("schema lacks %s", def)
		}
	}
}

func typeByName(t *testing.T, def string) reflect.Type {
	switch def {
	case "rule.Person":
		return typePerson
	case "rule.Case":
		return typeCase
	case "rule.Involvement":
		return typeInvolvement
	}
	t.Fatalf("no type for %s", def)
	return nil
}
