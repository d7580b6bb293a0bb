package identity

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

func TestCodecRoundTrip(t *testing.T) {
	// The codec writes every field of match.Features by hand but Frequencies (not stored) and the derived one:
	// a field added there must be added here.
	if n := reflect.TypeFor[match.Features]().NumField(); n != 24 {
		t.Fatalf("match.Features has %d fields, the codec knows 24: update encodeFeatures and decodeFeatures", n)
	}
	d := dedupRecords(1, 300)
	for _, p := range append(append(d.records, withOtherIDs(d.records[:20])...), jan.canonical(), person{source: "x", id: "1"}.canonical()) {
		f := match.Prepare(p)
		var got match.Features
		if err := decodeFeatures(encodeFeatures(nil, &f), &got); err != nil {
			t.Fatal(err)
		}
		if len(f.SurnameKeys) == 0 {
			f.SurnameKeys = nil
		}
		if !reflect.DeepEqual(got, f) {
			t.Fatalf("round trip of %s:\n got %+v\nwant %+v", p.Provenance.LocalID, got, f)
		}
	}
}

func TestCodecRejectsMalformed(t *testing.T) {
	f := match.Prepare(jan.canonical())
	good := encodeFeatures(nil, &f)
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"other version", append([]byte{codecVersion + 1}, good[1:]...)},
		{"truncated", good[:len(good)-3]},
		{"trailing bytes", append(append([]byte(nil), good...), 0)},
		{"string longer than input", []byte{codecVersion, 0x7f, 'a'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got match.Features
			if err := decodeFeatures(tt.b, &got); !errors.Is(err, errCodec) {
				t.Errorf("decode: %v, want errCodec", err)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string
	}{
		{"defaults", func(*Config) {}, ""},
		{"block too small", func(c *Config) { c.MaxBlock = -1 }, "maxBlock: -1, want at least 1"},
		{"evidence", func(c *Config) { c.EvidenceComparisons = -2 }, "evidenceComparisons: -2, want at least 1"},
		{"thresholds", func(c *Config) { c.Match.Thresholds = match.Thresholds{Match: 5, Possible: 10} }, "match: thresholds.match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate: %v, want %q", err, tt.wantErr)
			}
		})
	}
	var c Config
	c.SetDefaults()
	if c.Topic != DefaultTopic || c.MaxBlock != DefaultMaxBlock || c.Match.Thresholds.Match != match.DefaultMatchThreshold {
		t.Errorf("defaults = %+v", c)
	}
}
