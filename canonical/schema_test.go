package canonical_test

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/canonical/internal/schemagen"
)

// TestSchemaUpToDate fails when canonical.schema.json no longer matches the Go types and their doc comments.
func TestSchemaUpToDate(t *testing.T) {
	want, err := schemagen.Generate(".")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(schemagen.FileName)
	if err != nil {
		t.Fatalf("%v; run `go generate ./canonical`", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: the canonical types or their comments changed; run `go generate ./canonical` and commit the result", schemagen.FileName)
	}
}

// TestSchemaPartialDate checks that a PartialDate is described by its JSON form and that the pattern accepts what
// MarshalJSON writes and nothing like it that UnmarshalJSON rejects.
func TestSchemaPartialDate(t *testing.T) {
	b, err := os.ReadFile(schemagen.FileName)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs map[string]struct {
			Type    string `json:"type"`
			Pattern string `json:"pattern"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	pd, ok := s.Defs["PartialDate"]
	if !ok || pd.Type != "string" || pd.Pattern == "" {
		t.Fatalf("PartialDate in the schema = %+v, want a string with a pattern", pd)
	}
	re := regexp.MustCompile(pd.Pattern)
	for _, v := range []string{"1968", "1968-05", "1968-05-12", "2000-02-29", "0001"} {
		if !re.MatchString(v) {
			t.Errorf("pattern rejects %q", v)
		}
	}
	for _, v := range []string{"", "68", "1968-5", "1968-13", "1968-05-32", "19680512", "1968-05-12T00:00:00Z", "+968"} {
		if re.MatchString(v) {
			t.Errorf("pattern accepts %q", v)
		}
	}
	// Every date the package writes matches.
	d := canonical.PartialDate{Year: 1968}
	for m := 0; m <= 12; m++ {
		d.Month = m
		for day := 0; day <= 31 && (m > 0 || day == 0); day++ {
			d.Day = day
			if first, _ := d.Range(); day > 0 && first.Month() != time.Month(m) {
				continue
			}
			if !re.MatchString(d.String()) {
				t.Errorf("pattern rejects %q", d.String())
			}
		}
	}
}
