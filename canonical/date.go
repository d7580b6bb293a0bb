package canonical

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// PartialDate is a calendar date of which the day, or the day and the month, may be unknown, as Dutch registers
// write them ("19680000": born in 1968). A zero Month or Day means unknown. It is written in JSON as an ISO 8601
// date of reduced precision: "1968", "1968-05" or "1968-05-12".
type PartialDate struct {
	Year  int `json:"-"`
	Month int `json:"-"` // 0 when unknown
	Day   int `json:"-"` // 0 when unknown; always 0 when Month is 0
}

// IsZero reports whether no part of the date is known.
func (d PartialDate) IsZero() bool { return d.Year == 0 }

// Complete reports whether year, month and day are all known.
func (d PartialDate) Complete() bool { return d.Year != 0 && d.Month != 0 && d.Day != 0 }

// String formats the date as "YYYY", "YYYY-MM" or "YYYY-MM-DD"; the zero date formats as "".
func (d PartialDate) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	default:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
}

// Range returns the first and the last day the date may stand for: 1968 → 1968-01-01 … 1968-12-31.
func (d PartialDate) Range() (first, last time.Time) {
	if d.Year == 0 {
		return time.Time{}, time.Time{}
	}
	if d.Month == 0 {
		return time.Date(d.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(d.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	if d.Day == 0 {
		first = time.Date(d.Year, time.Month(d.Month), 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 1, -1)
	}
	t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
	return t, t
}

// Contains reports whether the complete date t falls within the range the partial date stands for.
func (d PartialDate) Contains(t PartialDate) bool {
	if d.IsZero() || t.IsZero() {
		return false
	}
	first, last := d.Range()
	tf, tl := t.Range()
	return !tf.Before(first) && !tl.After(last)
}

// MarshalJSON writes the date as a reduced-precision ISO 8601 string.
func (d PartialDate) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY", "YYYY-MM" or "YYYY-MM-DD".
func (d *PartialDate) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("partial date: %w", err)
	}
	p, err := parseISOPartial(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// parseISOPartial reads the JSON form written by String.
func parseISOPartial(s string) (PartialDate, error) {
	bad := fmt.Errorf("partial date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	var d PartialDate
	if s == "" {
		return d, nil
	}
	if len(s) != 4 && len(s) != 7 && len(s) != 10 {
		return d, bad
	}
	var err error
	if d.Year, err = strconv.Atoi(s[0:4]); err != nil || d.Year <= 0 {
		return PartialDate{}, bad
	}
	if len(s) >= 7 {
		if s[4] != '-' {
			return PartialDate{}, bad
		}
		if d.Month, err = strconv.Atoi(s[5:7]); err != nil || d.Month < 1 || d.Month > 12 {
			return PartialDate{}, bad
		}
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return PartialDate{}, bad
		}
		if d.Day, err = strconv.Atoi(s[8:10]); err != nil || d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
			return PartialDate{}, bad
		}
	}
	return d, nil
}

// daysIn returns the number of days of month m in year y.
func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
