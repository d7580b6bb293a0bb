package ops

import (
	"io"
	"log/slog"
	"strings"
)

// NewLogger returns a slog logger writing JSON or text. As a last line of defence it masks every standalone run of
// eight or nine digits — the shape of a BSN — in messages and string attributes; code must not log personal data in
// the first place.
func NewLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: maskBSN}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func maskBSN(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindString {
		return a
	}
	if s, masked := maskDigitRuns(a.Value.String()); masked {
		return slog.String(a.Key, s)
	}
	return a
}

// maskDigitRuns replaces each maximal run of eight or nine ASCII digits by "[masked]".
func maskDigitRuns(s string) (string, bool) {
	var b strings.Builder
	masked := false
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i {
			if masked {
				b.WriteByte(s[i])
			}
			i++
			continue
		}
		if n := j - i; n == 8 || n == 9 {
			if !masked {
				b.WriteString(s[:i])
				masked = true
			}
			b.WriteString("[masked]")
		} else if masked {
			b.WriteString(s[i:j])
		}
		i = j
	}
	if !masked {
		return s, false
	}
	return b.String(), true
}
