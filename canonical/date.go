package canonical

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
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
	var ok bool
	if d.Year, ok = atoiDigits(s[0:4]); !ok || d.Year <= 0 {
		return PartialDate{}, bad
	}
	if len(s) >= 7 {
		if s[4] != '-' {
			return PartialDate{}, bad
		}
		if d.Month, ok = atoiDigits(s[5:7]); !ok || d.Month < 1 || d.Month > 12 {
			return PartialDate{}, bad
		}
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return PartialDate{}, bad
		}
		if d.Day, ok = atoiDigits(s[8:10]); !ok || d.Day < 1 || d.Day > DaysIn(d.Year, d.Month) {
			return PartialDate{}, bad
		}
	}
	return d, nil
}

// DaysIn returns the number of days of month m (1–12) of year y in the Gregorian calendar.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// ErrInvalidDate is wrapped by the errors of ParseDate and ParseDateLayout.
var ErrInvalidDate = errors.New("invalid date")

// partialDatePattern is the JSON form of a PartialDate: YYYY, YYYY-MM or YYYY-MM-DD.
const partialDatePattern = `^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$`

// partialDateDescription describes a PartialDate in the schema.
const partialDateDescription = "A calendar date of which the day, or the day and the month, may be unknown: " +
	"an ISO 8601 date of reduced precision, YYYY, YYYY-MM or YYYY-MM-DD."

// JSONSchema describes the JSON form of a PartialDate for the generated schema of the canonical model.
func (PartialDate) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Type:        "string",
		Pattern:     partialDatePattern,
		Title:       "PartialDate",
		Description: partialDateDescription,
		Examples:    []any{"1968", "1968-05", "1968-05-12"},
	}
}

// ParseDate reads a date as Dutch registers and partner exports write it, recognising the layout:
//
//	19680512, 19680500, 19680000    YYYYMMDD, 00 meaning unknown (the GBA/BRP form)
//	12051968                        DDMMYYYY, when the digits are no valid YYYYMMDD
//	1968-05-12, 1968-05, 1968       ISO 8601, possibly of reduced precision
//	12-05-1968, 12-5-1968, 00-05-1968, 05-1968
//	12/05/1968, 12.05.1968          day first, as in Dutch; never month first
//
// A time of day after the date ("1968-05-12T00:00:00", "12-5-1968 0:00:00", as spreadsheets export) is ignored.
// An unknown day or month (00) makes the date partial; a known day with an unknown month is kept as the year only.
// "00000000" and the empty string are the zero date: nothing known. Two-digit years are rejected, as is a date
// that does not exist (31-02); the error wraps ErrInvalidDate, names the problem and does not repeat the value.
func ParseDate(s string) (PartialDate, error) {
	s = strings.TrimSpace(s)
	s = stripTime(s)
	if s == "" {
		return PartialDate{}, nil
	}
	if allDigits(s) {
		switch len(s) {
		case 8:
			d, err := ParseDateLayout(s, "YYYYMMDD")
			if err == nil && (d.Year >= 1000 || d.IsZero()) {
				return d, nil
			}
			if dm, err2 := ParseDateLayout(s, "DDMMYYYY"); err2 == nil && dm.Year >= 1000 {
				return dm, nil
			}
			return d, err
		case 6:
			return ParseDateLayout(s, "YYYYMM")
		case 4:
			return ParseDateLayout(s, "YYYY")
		case 2:
			return PartialDate{}, fmt.Errorf("parsing date: two-digit year: %w", ErrInvalidDate)
		}
		return PartialDate{}, fmt.Errorf("parsing date: %d digits, want 4, 6 or 8: %w", len(s), ErrInvalidDate)
	}
	sep := byte(0)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			sep = c
			break
		}
	}
	if sep != '-' && sep != '/' && sep != '.' && sep != ' ' {
		return PartialDate{}, fmt.Errorf("parsing date: unknown layout: %w", ErrInvalidDate)
	}
	parts := strings.Split(s, string(sep))
	for _, p := range parts {
		if p == "" || !allDigits(p) {
			return PartialDate{}, fmt.Errorf("parsing date: unknown layout: %w", ErrInvalidDate)
		}
	}
	switch {
	case len(parts) == 3 && len(parts[0]) == 4:
		return dateOf(atoi(parts[0]), atoi(parts[1]), atoi(parts[2]), len(parts[1]) <= 2 && len(parts[2]) <= 2)
	case len(parts) == 3 && len(parts[2]) == 4:
		return dateOf(atoi(parts[2]), atoi(parts[1]), atoi(parts[0]), len(parts[0]) <= 2 && len(parts[1]) <= 2)
	case len(parts) == 2 && len(parts[0]) == 4:
		return dateOf(atoi(parts[0]), atoi(parts[1]), 0, len(parts[1]) <= 2)
	case len(parts) == 2 && len(parts[1]) == 4:
		return dateOf(atoi(parts[1]), atoi(parts[0]), 0, len(parts[0]) <= 2)
	case len(parts) == 3 && len(parts[2]) == 2:
		return PartialDate{}, fmt.Errorf("parsing date: two-digit year: %w", ErrInvalidDate)
	}
	return PartialDate{}, fmt.Errorf("parsing date: unknown layout: %w", ErrInvalidDate)
}

// ParseDateLayout reads a date in a declared layout, as a mapping file declares it: YYYY for the year, MM and DD
// for a two-digit month and day, M and D for one or two digits (in either case); any other character must appear
// as written. Examples: "YYYYMMDD", "DD-MM-YYYY", "YYYY-MM-DD", "DD/MM/YYYY", "D-M-YYYY", "YYYY-MM", "YYYY".
// All zeros in a part mean unknown, as in ParseDate.
func ParseDateLayout(s, layout string) (PartialDate, error) {
	s = strings.TrimSpace(s)
	layout = strings.Map(func(r rune) rune {
		if r == 'y' || r == 'm' || r == 'd' {
			return r - 'a' + 'A'
		}
		return r
	}, layout)
	y, m, d := -1, -1, -1
	i := 0
	for j := 0; j < len(layout); {
		c := layout[j]
		run := 1
		for j+run < len(layout) && layout[j+run] == c {
			run++
		}
		switch {
		case c == 'Y' || c == 'M' || c == 'D':
			minLen, maxLen := run, run
			switch {
			case c == 'Y' && run != 4:
				return PartialDate{}, fmt.Errorf("parsing date layout %q: year must be YYYY: %w", layout, ErrInvalidDate)
			case c != 'Y' && run > 2:
				return PartialDate{}, fmt.Errorf("parsing date layout %q: %s too long: %w", layout, layout[j:j+run], ErrInvalidDate)
			case run == 1:
				maxLen = 2
			}
			k := i
			for k < len(s) && k-i < maxLen && s[k] >= '0' && s[k] <= '9' {
				k++
			}
			if k-i < minLen {
				return PartialDate{}, fmt.Errorf("parsing date: does not match layout %s: %w", layout, ErrInvalidDate)
			}
			v := atoi(s[i:k])
			target := &y
			if c == 'M' {
				target = &m
			} else if c == 'D' {
				target = &d
			}
			if *target != -1 {
				return PartialDate{}, fmt.Errorf("parsing date layout %q: %c appears twice: %w", layout, c, ErrInvalidDate)
			}
			*target = v
			i = k
		default:
			if i+run > len(s) || s[i:i+run] != layout[j:j+run] {
				return PartialDate{}, fmt.Errorf("parsing date: does not match layout %s: %w", layout, ErrInvalidDate)
			}
			i += run
		}
		j += run
	}
	if i != len(s) {
		return PartialDate{}, fmt.Errorf("parsing date: does not match layout %s: %w", layout, ErrInvalidDate)
	}
	if y == -1 {
		return PartialDate{}, fmt.Errorf("parsing date layout %q: no year: %w", layout, ErrInvalidDate)
	}
	if d != -1 && m == -1 {
		return PartialDate{}, fmt.Errorf("parsing date layout %q: day without month: %w", layout, ErrInvalidDate)
	}
	return dateOf(y, max(m, 0), max(d, 0), true)
}

// dateOf checks year, month and day, 0 meaning unknown, and makes the partial date they stand for. fits is false
// when a part had too many digits.
func dateOf(y, m, d int, fits bool) (PartialDate, error) {
	switch {
	case !fits:
		return PartialDate{}, fmt.Errorf("parsing date: day or month of more than two digits: %w", ErrInvalidDate)
	case y == 0 && m == 0 && d == 0:
		return PartialDate{}, nil
	case y == 0:
		return PartialDate{}, fmt.Errorf("parsing date: year unknown but month or day known: %w", ErrInvalidDate)
	case y < 0 || y > 9999:
		return PartialDate{}, fmt.Errorf("parsing date: year out of range: %w", ErrInvalidDate)
	case m > 12 || m < 0:
		return PartialDate{}, fmt.Errorf("parsing date: month %d does not exist: %w", m, ErrInvalidDate)
	case m == 0:
		return PartialDate{Year: y}, nil
	case d < 0 || d > 31:
		return PartialDate{}, fmt.Errorf("parsing date: day %d does not exist: %w", d, ErrInvalidDate)
	case d > DaysIn(y, m):
		return PartialDate{}, fmt.Errorf("parsing date: day %d does not exist in %s of that year: %w",
			d, strings.ToLower(time.Month(m).String()), ErrInvalidDate)
	}
	return PartialDate{Year: y, Month: m, Day: d}, nil
}

// stripTime removes a time of day after a date: "1968-05-12T10:00:00Z", "12-5-1968 0:00:00".
func stripTime(s string) string {
	i := strings.IndexAny(s, "T ")
	if i < 0 || i+1 >= len(s) {
		return s
	}
	rest := s[i+1:]
	if !strings.Contains(rest, ":") || rest[0] < '0' || rest[0] > '9' {
		return s
	}
	return strings.TrimSpace(s[:i])
}

// atoiDigits converts a string of ASCII digits; ok is false for anything else, signs included.
func atoiDigits(s string) (int, bool) {
	if s == "" || !allDigits(s) {
		return 0, false
	}
	return atoi(s), true
}

// atoi converts a short run of ASCII digits known to be digits.
func atoi(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// allDigits reports whether s consists of ASCII digits only.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
