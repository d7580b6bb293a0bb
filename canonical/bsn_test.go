package canonical

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// validBSNs pass the elfproef; they were computed for these tests and belong to no one known.
var validBSNs = []string{
	"111222333", "123456782", "628194821", "252760189", "507529170", "121547280", "385280841", "353799075",
	"013114402", "037167868",
}

func TestNormalizeBSN(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      string
		wantValid bool
		wantErr   bool
	}{
		{"plain", "123456782", "123456782", true, false},
		{"dots", "123.456.782", "123456782", true, false},
		{"spaces", " 1234 56 782 ", "123456782", true, false},
		{"dashes", "123-45-6782", "123456782", true, false},
		{"eight digits get their leading zero back", "13114402", "013114402", true, false},
		{"eight digits that fail", "13114403", "013114403", false, false},
		{"one digit wrong", "123456783", "123456783", false, false},
		{"first digit wrong", "223456782", "223456782", false, false},
		{"adjacent digits swapped", "123456872", "123456872", false, false},
		{"repeated digits", "111222333", "111222333", true, false},
		{"last two swapped fails", "628194812", "628194812", false, false},
		{"all zero passes the arithmetic but is no BSN", "000000000", "000000000", false, false},
		{"all zero, eight digits", "00000000", "000000000", false, false},
		{"seven digits", "1234567", "", false, true},
		{"ten digits", "1234567820", "", false, true},
		{"letter", "12345678X", "", false, true},
		{"empty", "", "", false, true},
		{"only separators", " . - ", "", false, true},
		{"unicode digit", "12345678٢", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, valid, err := NormalizeBSN(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrBSNFormat) {
				t.Errorf("err = %v, want it to wrap ErrBSNFormat", err)
			}
			if got != tt.want || valid != tt.wantValid {
				t.Errorf("NormalizeBSN = (%q, %v), want (%q, %v)", got, valid, tt.want, tt.wantValid)
			}
		})
	}
}

// TestElfproefCatchesTypos checks what the elfproef is for: every single wrong digit and every swap of two
// different adjacent digits of a valid BSN makes it fail.
func TestElfproefCatchesTypos(t *testing.T) {
	for _, bsn := range validBSNs {
		if !ValidBSN(bsn) {
			t.Fatalf("ValidBSN(%s) = false, want true", bsn)
		}
		for i := 0; i < 9; i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d == bsn[i] {
					continue
				}
				typo := bsn[:i] + string(d) + bsn[i+1:]
				if ValidBSN(typo) {
					t.Errorf("ValidBSN(%s) = true: digit %d of %s changed", typo, i+1, bsn)
				}
			}
			if i < 8 && bsn[i] != bsn[i+1] {
				swapped := bsn[:i] + string(bsn[i+1]) + string(bsn[i]) + bsn[i+2:]
				if ValidBSN(swapped) {
					t.Errorf("ValidBSN(%s) = true: digits %d and %d of %s swapped", swapped, i+1, i+2, bsn)
				}
			}
		}
	}
}

func TestBSNIdentifier(t *testing.T) {
	tests := []struct {
		name        string
		raw         string
		want        Identifier
		wantFinding string
	}{
		{"valid", "123.456.782", Identifier{Scheme: SchemeBSN, Value: "123456782"}, ""},
		{"elfproef fails: kept, flagged", "123456783", Identifier{Scheme: SchemeBSN, Value: "123456783", Invalid: true}, FindingBSNElfproef},
		{"all zero", "000000000", Identifier{Scheme: SchemeBSN, Value: "000000000", Invalid: true}, FindingBSNElfproef},
		{"wrong length: kept as written", " 12345 ", Identifier{Scheme: SchemeBSN, Value: "12345", Invalid: true}, FindingBSNFormat},
		{"empty", "  ", Identifier{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, f := BSNIdentifier(tt.raw, "persons[0].bsn")
			if id != tt.want {
				t.Errorf("identifier = %+v, want %+v", id, tt.want)
			}
			switch {
			case tt.wantFinding == "" && f != nil:
				t.Errorf("finding = %+v, want none", f)
			case tt.wantFinding != "" && f == nil:
				t.Errorf("no finding, want %s", tt.wantFinding)
			case f != nil:
				if f.Code != tt.wantFinding || f.Path != "persons[0].bsn" {
					t.Errorf("finding = %+v, want code %s at persons[0].bsn", f, tt.wantFinding)
				}
				if id.Value != "" && strings.Contains(f.Message, id.Value) {
					t.Errorf("finding message %q repeats the value", f.Message)
				}
			}
		})
	}
}

func FuzzNormalizeBSN(f *testing.F) {
	for _, s := range append(validBSNs, "123456783", "13114402", "000000000", "12.34-56 782", "x", "") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, valid, err := NormalizeBSN(s)
		if err != nil {
			if v != "" || valid {
				t.Fatalf("error with value %q valid %v", v, valid)
			}
			if !errors.Is(err, ErrBSNFormat) {
				t.Fatalf("error %v does not wrap ErrBSNFormat", err)
			}
			if strings.Contains(err.Error(), s) && len(s) >= 8 {
				t.Fatalf("error %q repeats the input", err)
			}
			return
		}
		if len(v) != 9 || !allDigits(v) {
			t.Fatalf("value %q is not nine digits", v)
		}
		v2, valid2, err := NormalizeBSN(v)
		if err != nil || v2 != v || valid2 != valid {
			t.Fatalf("not idempotent: %q → (%q, %v, %v)", v, v2, valid2, err)
		}
		id, finding := BSNIdentifier(s, "p")
		if id.Value != v || id.Invalid == valid || (finding == nil) != valid {
			t.Fatalf("BSNIdentifier disagrees: %+v %+v, valid %v", id, finding, valid)
		}
	})
}

func BenchmarkNormalizeBSN(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NormalizeBSN("123.456.782")
	}
}

// TestIsNormalBSN: the quick check agrees with NormalizeBSN on every value it accepts and on the usual ones.
func TestIsNormalBSN(t *testing.T) {
	values := []string{"111222333", "999993628", "999991243", "123456789", "000000000", "12345678", "1112223330",
		"11122233a", " 11122233", "111.222.333", "", "100000009", "999999990", "010000008"}
	for i := 0; i < 100000; i++ {
		values = append(values, fmt.Sprintf("%09d", i*7919+i%13))
	}
	for _, v := range values {
		norm, valid, err := NormalizeBSN(v)
		want := err == nil && valid && norm == v
		if got := IsNormalBSN(v); got != want {
			t.Errorf("IsNormalBSN(%q) = %v, NormalizeBSN says %v", v, got, want)
		}
	}
}
