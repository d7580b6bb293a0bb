package ops

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestLoggerMasksBSNShapedNumbers(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(&buf, "json", slog.LevelInfo)
	log.Info("lookup 111222333 failed", "bsn", "111222333", "short", "12345678", "record", 17, "postcode", "1234AB",
		"long", "12345678901", "two", "111222333 444555666")
	out := buf.String()
	for _, leak := range []string{"111222333", "444555666", "12345678\""} {
		if strings.Contains(out, leak) {
			t.Errorf("log leaks %s: %s", leak, out)
		}
	}
	for _, keep := range []string{`"record":17`, `"postcode":"1234AB"`, "12345678901", "lookup [masked] failed"} {
		if !strings.Contains(out, keep) {
			t.Errorf("log lost %s: %s", keep, out)
		}
	}
}
