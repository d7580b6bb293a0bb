package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/pipelines/config"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"validate a good export", []string{"validate", "--source", "gcos", "--mappings", "../../mappings", "../../xsd/gcos/examples/casus-export.xml"},
			0, "gcos: 1 records valid, 0 rejected"},
		{"validate a schema violation", []string{"validate", "--source", "gcos", "--mappings", "../../mappings", "../../mappings/testdata/gcos/onbekende-soort.in.xml"},
			1, "soort: Element"},
		{"map", []string{"map", "--source", "gemeente-eindhoven", "--mappings", "../../mappings", "../../xsd/gemeente/examples/eindhoven.csv"},
			0, `"surnamePrefix":"van der"`},
		{"golden cases", []string{"mapping", "test", "../../mappings"}, 0, " passed, 0 failed"},
		{"unknown source", []string{"validate", "--source", "nope", "--mappings", "../../mappings", "x"}, 1, ""},
		{"missing source flag", []string{"validate", "x"}, 2, ""},
		{"unknown command", []string{"frobnicate"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.contains) {
				t.Errorf("stdout lacks %q:\n%s", tt.contains, out)
			}
		})
	}
}

func TestUnknownSourceNamesTheKnownOnes(t *testing.T) {
	_, _, errOut := run("validate", "--source", "nope", "--mappings", "../../mappings", "x")
	if !strings.Contains(errOut, `unknown source "nope"`) || !strings.Contains(errOut, "gemeente-eindhoven") {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestWriteWeightsKeepsTheRestOfTheFile(t *testing.T) {
	path := t.TempDir() + "/k.yml"
	orig := "# the ops team's settings\nlog: {format: text}\nidentity:\n  maxBlock: 300\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	w := match.DefaultWeights()
	w.Lambda = 0.000123
	if err := writeWeights(path, w); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !strings.Contains(string(got), "# the ops team's settings") {
		t.Errorf("comment lost:\n%s", got)
	}
	cfg, err := config.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Identity.MaxBlock != 300 || cfg.Identity.Match.Weights.Lambda != 0.000123 || cfg.Log.Format != "text" {
		t.Errorf("config after writing: maxBlock %d, lambda %v, log %q", cfg.Identity.MaxBlock, cfg.Identity.Match.Weights.Lambda, cfg.Log.Format)
	}
}
