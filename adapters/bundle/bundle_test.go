package bundle_test

import (
	"bytes"
	"os"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/ketenpoort/ketenpoort/adapters"
	_ "github.com/ketenpoort/ketenpoort/adapters/bundle"
	"github.com/ketenpoort/ketenpoort/adapters/xsdschema"
)

// TestReferenceUpToDate fails when REFERENCE.md no longer matches the specs: run `go generate ./adapters/bundle`.
func TestReferenceUpToDate(t *testing.T) {
	got, err := os.ReadFile("../REFERENCE.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := adapters.Markdown(adapters.Specs()); !bytes.Equal(got, want) {
		t.Error("adapters/REFERENCE.md is stale: run `go generate ./adapters/bundle`")
	}
}

func TestBundleRegistersAll(t *testing.T) {
	var names []string
	for _, s := range adapters.Specs() {
		names = append(names, s.Name)
	}
	want := []string{"delimited", "fixedwidth", "xml"}
	if len(names) != len(want) {
		t.Fatalf("registered %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("registered %v, want %v", names, want)
		}
	}
}

// TestExamples constructs every adapter from the example in its spec, against the repository's real schemas.
func TestExamples(t *testing.T) {
	env := adapters.Env{Source: "example", Dir: "../../mappings", LoadSchema: xsdschema.Loader(nil)}
	for _, s := range adapters.Specs() {
		t.Run(s.Name, func(t *testing.T) {
			// The example is the adapter section of a mapping file in mappings/.
			var file struct {
				Adapter map[string]any `yaml:"adapter"`
			}
			if err := yaml.Unmarshal([]byte(s.Example), &file); err != nil {
				t.Fatalf("example is not YAML: %v", err)
			}
			cfg := file.Adapter
			if cfg["type"] != s.Name {
				t.Fatalf("example names adapter %v", cfg["type"])
			}
			delete(cfg, "type")
			a, err := adapters.New(s.Name, cfg, env)
			if err != nil {
				t.Fatalf("example does not construct: %v", err)
			}
			if err := a.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
}

// TestSpecsDocumentEveryField asserts each spec documents its fields and the common ones.
func TestSpecsDocumentEveryField(t *testing.T) {
	for _, s := range adapters.Specs() {
		t.Run(s.Name, func(t *testing.T) {
			if s.Summary == "" || s.Description == "" || s.Example == "" {
				t.Error("spec needs a summary, a description and an example")
			}
			for _, common := range adapters.CommonFields() {
				if _, ok := s.Field(common.Name); !ok {
					t.Errorf("common field %s not declared", common.Name)
				}
			}
		})
	}
}
