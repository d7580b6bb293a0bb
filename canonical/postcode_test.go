package canonical

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestNormalizePostcode(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"1234AB", "1234AB", true},
		{"1234 ab", "1234AB", true},
		{"1234-AB", "1234AB", true},
		{" 1234ab ", "1234AB", true},
		{"1234\tAb", "1234AB", true},
		{"9999 ZZ", "9999ZZ", true},
		{"1000AA", "1000AA", true},
		{"0123AB", "0123AB", false},   // no postcode starts with 0
		{"1234SA", "1234SA", false},   // SA, SD and SS are not issued
		{"1234 sd", "1234 sd", false}, // kept as written
		{"1234SS", "1234SS", false},
		{"123AB", "123AB", false},
		{"12345AB", "12345AB", false},
		{"1234A", "1234A", false},
		{"1234ABC", "1234ABC", false},
		{"1234 - AB", "1234AB", true},
		{"AB1234", "AB1234", false},
		{"1234ÅB", "1234ÅB", false},
		{"B-1000", "B-1000", false}, // Belgian
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := NormalizePostcode(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizePostcode(%q) = (%q, %v), want (%q, %v)", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseHouseNumber(t *testing.T) {
	tests := []struct {
		in       string
		number   int
		letter   string
		addition string
		wantErr  bool
	}{
		{"12", 12, "", "", false},
		{"12a", 12, "a", "", false},
		{"12 A", 12, "A", "", false},
		{"12-2", 12, "", "2", false},
		{"12 bis", 12, "", "bis", false},
		{"12bis", 12, "", "bis", false},
		{"12A-3", 12, "A", "3", false},
		{"12 hs", 12, "", "hs", false},
		{"12-II", 12, "", "II", false},
		{"12/1", 12, "", "1", false},
		{"12a1", 12, "a", "1", false},
		{" 99999 ", 99999, "", "", false},
		{"100000", 0, "", "", true},
		{"0", 0, "", "", true},
		{"a12", 0, "", "", true},
		{"", 0, "", "", true},
		{"12 abcde", 0, "", "", true},
		{"12 a.b", 0, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, l, a, err := ParseHouseNumber(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrHouseNumber) {
				t.Errorf("err = %v, want it to wrap ErrHouseNumber", err)
			}
			if n != tt.number || l != tt.letter || a != tt.addition {
				t.Errorf("ParseHouseNumber(%q) = (%d, %q, %q), want (%d, %q, %q)", tt.in, n, l, a, tt.number, tt.letter, tt.addition)
			}
		})
	}
}

func FuzzNormalizePostcode(f *testing.F) {
	for _, s := range []string{"1234AB", "1234 ab", "1234-AB", " 1234ab ", "0123AB", "1234SA", "", "1234ÅB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := NormalizePostcode(s)
		if !ok {
			return
		}
		if len(got) != 6 || got[0] < '1' || got[0] > '9' || !allDigits(got[:4]) {
			t.Fatalf("NormalizePostcode(%q) = %q: not 4 digits from 1000", s, got)
		}
		for i := 4; i < 6; i++ {
			if got[i] < 'A' || got[i] > 'Z' {
				t.Fatalf("NormalizePostcode(%q) = %q: not two capitals", s, got)
			}
		}
		if again, ok2 := NormalizePostcode(got); !ok2 || again != got {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, got, again, ok2)
		}
		if Fold(s) != "" && keyOf(s) != keyOf(got) {
			t.Fatalf("NormalizePostcode(%q) = %q changed more than case and separator", s, got)
		}
	})
}

func FuzzParseHouseNumber(f *testing.F) {
	for _, s := range []string{"12", "12a", "12-2", "12 bis", "12A-3", "0", "100000", "12 a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, l, a, err := ParseHouseNumber(s)
		if err != nil {
			if n != 0 || l != "" || a != "" {
				t.Fatalf("error with parts (%d, %q, %q)", n, l, a)
			}
			return
		}
		if n < 1 || n > maxHouseNumber || len(l) > 1 || len(a) > 4 {
			t.Fatalf("ParseHouseNumber(%q) = (%d, %q, %q): out of range", s, n, l, a)
		}
		if keyOf(strings.TrimLeft(strings.TrimSpace(s), "0")) != keyOf(strconv.Itoa(n)+l+a) {
			t.Fatalf("ParseHouseNumber(%q) = (%d, %q, %q) lost or added characters", s, n, l, a)
		}
	})
}
