// Package schemagen generates the JSON Schema of the canonical model (canonical.schema.json) from its Go types,
// with the types' and fields' doc comments as descriptions. It runs from `go generate ./canonical` and from the
// test that fails when the checked-in schema is stale.
package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/invopop/jsonschema"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// FileName is the name of the generated schema file in the canonical package directory.
const FileName = "canonical.schema.json"

// SchemaID is the $id of the schema; it names the model version.
const SchemaID = "https://github.com/ketenpoort/ketenpoort/canonical/record.v" + canonical.ModelVersion + ".schema.json"

// Generate returns the JSON Schema of canonical.Record, indented and ending in a newline. srcDir is the directory
// of the canonical package's source, read for the doc comments.
func Generate(srcDir string) ([]byte, error) {
	r := &jsonschema.Reflector{}
	if err := r.AddGoComments("github.com/ketenpoort/ketenpoort/canonical", srcDir); err != nil {
		return nil, fmt.Errorf("reading doc comments in %s: %w", srcDir, err)
	}
	s := r.Reflect(&canonical.Record{})
	s.ID = jsonschema.ID(SchemaID)
	s.Title = "ketenpoort canonical record, model version " + canonical.ModelVersion
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encoding schema: %w", err)
	}
	return buf.Bytes(), nil
}
