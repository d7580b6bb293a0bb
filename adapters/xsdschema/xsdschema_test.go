package xsdschema_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/xsdschema"
	"github.com/ketenpoort/ketenpoort/xsd"
)

const schema = "../../xsd/stufbg/wrapper_all.xsd"

func TestValidate(t *testing.T) {
	var set xsd.Set
	defer set.Close()
	load := xsdschema.Loader(&set)
	v, err := load(schema)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile("../xml/testdata/stuf/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if err := v.Validate(read("npsLa01_raadpleeg_bsn_03.xml")); err != nil {
		t.Errorf("valid sample: %v", err)
	}
	err = v.Validate(read("npsLa01_postcode_with_space.xml"))
	var se *adapters.SchemaError
	if !errors.As(err, &se) || len(se.Problems) < 2 {
		t.Fatalf("invalid sample: got %v, want a SchemaError with the two postcodes", err)
	}
	for _, p := range se.Problems {
		if p.Line == 0 || p.Path != "aoa.postcode" || strings.Contains(p.Message, "1234 AB") {
			t.Errorf("problem %+v: want a line, the element, and no quoted value", p)
		}
	}
	err = v.Validate([]byte("<a><b></a>"))
	if err == nil || errors.As(err, &se) {
		t.Errorf("malformed document: got %v, want a plain error", err)
	}
	// The set owns the schema: closing the validator leaves it usable.
	if err := adapters.CloseValidator(v); err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(read("npsLa01_raadpleeg_bsn_03.xml")); err != nil {
		t.Errorf("after closing a shared validator: %v", err)
	}
	if _, err := load("missing.xsd"); err == nil {
		t.Error("loading a missing schema succeeded")
	}
}
