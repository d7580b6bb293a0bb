package mappings

import (
	"testing"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// dateLayouts are layouts checkLayout accepts, and a few it refuses.
var dateLayouts = []string{
	"DD-MM-YYYY", "YYYYMMDD", "D-M-YYYY", "YYYY-MM", "YYYY", "MM/DD/YYYY", "DD.MM.YYYY", "YYYY MM DD", "D/M/YYYY",
	"YYYY-M-D", "dd-mm-yyyy", "YYYY-DD", "YY-MM-DD", "DDD-MM-YYYY", "M-M-YYYY", "MMYYYY",
}

// TestDateLayout: a compiled layout reads every value as canonical.ParseDateLayout does.
func TestDateLayout(t *testing.T) {
	values := []string{
		"01-03-2026", "00-00-1968", "29-02-1900", "29-02-2000", "31-04-2020", "30-04-2020", "1-2-2020", " 01-03-2026 ",
		"01-03-0000", "00-00-0000", "00-05-1968", "15-00-1968", "32-01-2020", "01-13-2020", "19680512", "1968-05",
		"1968", "05/12/1968", "12.05.1968", "1968 05 12", "1968-5-1", "01-03-2026x", "01-03-202", "a1-03-2026", "",
		"001-03-2026", "1-1-1", "9999-12-31", "0000-01", "1968-00", "052026", "1-03-2026", "01--03-2026",
	}
	for _, layout := range dateLayouts {
		for _, v := range values {
			checkDateLayout(t, layout, v)
		}
	}
}

func FuzzDateLayout(f *testing.F) {
	f.Add(uint8(0), "01-03-2026")
	f.Add(uint8(2), "29-2-2024")
	f.Add(uint8(1), "20240229")
	f.Fuzz(func(t *testing.T, layout uint8, v string) {
		checkDateLayout(t, dateLayouts[int(layout)%len(dateLayouts)], v)
	})
}

func checkDateLayout(t *testing.T, layout, v string) {
	t.Helper()
	want, err := canonical.ParseDateLayout(v, layout)
	l := compileDateLayout(layout)
	if l == nil {
		if err == nil {
			t.Errorf("layout %q not compiled, but %q is a date of it", layout, v)
		}
		return
	}
	got, ok := l.parse(v)
	if ok != (err == nil) || got != want {
		t.Errorf("layout %q, value %q: compiled %+v, %v; canonical %+v, %v", layout, v, got, ok, want, err)
	}
}
