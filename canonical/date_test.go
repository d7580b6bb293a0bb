package canonical

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    string // PartialDate.String
		wantErr string // part of the error message
	}{
		{in: "19680512", want: "1968-05-12"},
		{in: "19680500", want: "1968-05"},
		{in: "19680000", want: "1968"},
		{in: "19680012", want: "1968"}, // a known day with an unknown month: year only
		{in: "00000000", want: ""},
		{in: "", want: ""},
		{in: "1980", want: "1980"},
		{in: "198005", want: "1980-05"},
		{in: "1980-05", want: "1980-05"},
		{in: "1980-05-12", want: "1980-05-12"},
		{in: "1980-5-2", want: "1980-05-02"},
		{in: "12-05-1980", want: "1980-05-12"},
		{in: "12/05/1980", want: "1980-05-12"}, // day first, never month first
		{in: "05/12/1980", want: "1980-12-05"},
		{in: "12.05.1980", want: "1980-05-12"},
		{in: "12 05 1980", want: "1980-05-12"},
		{in: "12-5-1980", want: "1980-05-12"},
		{in: "00-00-1980", want: "1980"},
		{in: "00-05-1980", want: "1980-05"},
		{in: "05-1980", want: "1980-05"},
		{in: "12051980", want: "1980-05-12"}, // no valid YYYYMMDD: DDMMYYYY
		{in: "00001980", want: "1980"},
		{in: " 1980-05-12 ", want: "1980-05-12"},
		{in: "1980-05-12T00:00:00Z", want: "1980-05-12"},
		{in: "12-5-1980 0:00:00", want: "1980-05-12"},
		{in: "29-02-2000", want: "2000-02-29"},
		{in: "31-02-1980", wantErr: "day 31 does not exist in february"},
		{in: "29-02-1900", wantErr: "day 29 does not exist in february"},
		{in: "19800231", wantErr: "day 31 does not exist in february"},
		{in: "31-04-1980", wantErr: "day 31 does not exist in april"},
		{in: "12-13-1980", wantErr: "month 13 does not exist"},
		{in: "32-01-1980", wantErr: "day 32 does not exist"},
		{in: "00000512", wantErr: "year unknown"}, // neither YYYYMMDD nor DDMMYYYY with a real year
		{in: "12-05-80", wantErr: "two-digit year"},
		{in: "80", wantErr: "two-digit year"},
		{in: "12-05-1980-1", wantErr: "unknown layout"},
		{in: "12 mei 1980", wantErr: "unknown layout"},
		{in: "1980-05-12x", wantErr: "unknown layout"},
		{in: "123-05-1980", wantErr: "more than two digits"},
		{in: "12345", wantErr: "5 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseDate = %v, want error containing %q", got, tt.wantErr)
				}
				if !errors.Is(err, ErrInvalidDate) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrInvalidDate containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate: %v", err)
			}
			if got.String() != tt.want {
				t.Errorf("ParseDate = %q, want %q", got.String(), tt.want)
			}
		})
	}
}

func TestParseDateLayout(t *testing.T) {
	tests := []struct {
		in, layout string
		want       string
		wantErr    bool
	}{
		{"19680512", "YYYYMMDD", "1968-05-12", false},
		{"19680000", "YYYYMMDD", "1968", false},
		{"12-05-1980", "DD-MM-YYYY", "1980-05-12", false},
		{"00-00-1980", "DD-MM-YYYY", "1980", false},
		{"1980-05-12", "YYYY-MM-DD", "1980-05-12", false},
		{"12/05/1980", "DD/MM/YYYY", "1980-05-12", false},
		{"05/12/1980", "MM/DD/YYYY", "1980-05-12", false}, // a declared month-first layout is honoured
		{"2-5-1980", "D-M-YYYY", "1980-05-02", false},
		{"12-05-1980", "D-M-YYYY", "1980-05-12", false},
		{"1980", "YYYY", "1980", false},
		{"0000", "YYYY", "", false},
		{"12-05-1980", "dd-mm-yyyy", "1980-05-12", false},
		{"12-5-1980", "DD-MM-YYYY", "", true},  // MM wants two digits
		{"1980-05-12", "DD-MM-YYYY", "", true}, // wrong layout
		{"12-05-1980 ", "DD-MM-YYYY", "1980-05-12", false},
		{"12-05-19801", "DD-MM-YYYY", "", true},
		{"31-02-1980", "DD-MM-YYYY", "", true},
		{"1980", "YY", "", true},
		{"12-05", "DD-MM", "", true}, // no year
		{"1980-12", "YYYY-DD", "", true},
		{"1980-12-12", "YYYY-MM-MM", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.layout+" "+tt.in, func(t *testing.T) {
			got, err := ParseDateLayout(tt.in, tt.layout)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDateLayout = %v, %v; want error %v", got, err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrInvalidDate) {
					t.Errorf("err = %v, want it to wrap ErrInvalidDate", err)
				}
				return
			}
			if got.String() != tt.want {
				t.Errorf("ParseDateLayout = %q, want %q", got.String(), tt.want)
			}
		})
	}
}

func TestPartialDateRange(t *testing.T) {
	tests := []struct {
		in          string
		first, last string
	}{
		{"19680000", "1968-01-01", "1968-12-31"},
		{"19680200", "1968-02-01", "1968-02-29"},
		{"19690200", "1969-02-01", "1969-02-28"},
		{"19680512", "1968-05-12", "1968-05-12"},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		first, last := d.Range()
		if first.Format("2006-01-02") != tt.first || last.Format("2006-01-02") != tt.last {
			t.Errorf("%s: Range = %s … %s, want %s … %s", tt.in, first.Format("2006-01-02"),
				last.Format("2006-01-02"), tt.first, tt.last)
		}
	}
	year, _ := ParseDate("1968")
	day, _ := ParseDate("12-05-1968")
	if !year.Contains(day) || day.Contains(year) {
		t.Errorf("1968 should contain 1968-05-12 and not the other way round")
	}
}

func TestPartialDateJSONRejectsSigns(t *testing.T) {
	for _, s := range []string{`"+968"`, `"-968"`, `"1968-+5"`, `"1968-05-+1"`, `"0000"`} {
		var d PartialDate
		if err := json.Unmarshal([]byte(s), &d); err == nil {
			t.Errorf("UnmarshalJSON(%s) = %v, want error", s, d)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"19680000", "19680500", "00-00-1980", "00-05-1980", "1980", "1980-05",
		"1980-05-12", "12-05-1980", "12/05/1980", "12.05.1980", "12-5-1980", "31-02-1980", "12051980",
		"1980-05-12T10:00:00Z", "0001", "9999-12-31", ""} {
		f.Add(s, "DD-MM-YYYY")
	}
	f.Add("2-5-1980", "D-M-YYYY")
	f.Add("19800512", "YYYYMMDD")
	f.Fuzz(func(t *testing.T, s, layout string) {
		for _, parse := range []func() (PartialDate, error){
			func() (PartialDate, error) { return ParseDate(s) },
			func() (PartialDate, error) { return ParseDateLayout(s, layout) },
		} {
			d, err := parse()
			if err != nil {
				if !errors.Is(err, ErrInvalidDate) {
					t.Fatalf("error %v does not wrap ErrInvalidDate", err)
				}
				if d != (PartialDate{}) {
					t.Fatalf("error with a date: %+v", d)
				}
				continue
			}
			checkPartialDate(t, d)
			if !d.IsZero() {
				// The JSON form reads back the same and parses as a date of its own.
				if again, err := ParseDate(d.String()); err != nil || again != d {
					t.Fatalf("ParseDate(%q) = %+v, %v; want %+v", d.String(), again, err, d)
				}
			}
		}
	})
}

// checkPartialDate asserts that d is well formed and survives String and the JSON round trip.
func checkPartialDate(t *testing.T, d PartialDate) {
	t.Helper()
	if d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 12 || d.Day < 0 ||
		(d.Month == 0 && d.Day != 0) || (d.Year == 0 && d.Month != 0) ||
		(d.Day != 0 && d.Day > DaysIn(d.Year, d.Month)) {
		t.Fatalf("malformed date %+v", d)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("MarshalJSON(%+v): %v", d, err)
	}
	var back PartialDate
	if err := json.Unmarshal(b, &back); err != nil || back != d {
		t.Fatalf("JSON round trip of %+v: %s → %+v, %v", d, b, back, err)
	}
}

func BenchmarkParseDate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ParseDate("12-05-1980")
	}
}
