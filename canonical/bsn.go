package canonical

import (
	"errors"
	"fmt"
)

// ErrBSNFormat is returned for a value that is not a BSN of eight or nine digits at all.
var ErrBSNFormat = errors.New("bsn: want 8 or 9 digits")

// Finding codes for BSN values.
const (
	FindingBSNElfproef = "bsn-elfproef" // nine digits that fail the elfproef (or are all zero)
	FindingBSNFormat   = "bsn-format"   // not eight or nine digits
)

// NormalizeBSN reads a burgerservicenummer as partners write it: spaces, dots and dashes are dropped
// ("123.456.782", "1234 56 782") and an eight-digit number gets its leading zero back, as spreadsheets drop it.
// value is the nine-digit result; valid reports whether it passes the elfproef
// (9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 mod 11) and is not all zero.
//
// A BSN that fails the elfproef is still returned, so that it can be kept and flagged, never silently dropped
// nor used to link records. err (wrapping ErrBSNFormat) is returned only when s is not eight or nine digits.
// Neither the error nor anything else here repeats the value.
func NormalizeBSN(s string) (value string, valid bool, err error) {
	var digits [9]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == len(digits) {
				return "", false, fmt.Errorf("normalizing bsn: more than 9 digits: %w", ErrBSNFormat)
			}
			digits[n] = c
			n++
		case c == ' ' || c == '.' || c == '-' || c == '\t':
		default:
			return "", false, fmt.Errorf("normalizing bsn: character other than a digit: %w", ErrBSNFormat)
		}
	}
	switch n {
	case 9:
	case 8:
		copy(digits[1:], digits[:8])
		digits[0] = '0'
	default:
		return "", false, fmt.Errorf("normalizing bsn: %d digits: %w", n, ErrBSNFormat)
	}
	return string(digits[:]), elfproef(digits), nil
}

// ValidBSN reports whether s, read as by NormalizeBSN, is a BSN that passes the elfproef.
func ValidBSN(s string) bool {
	_, ok, err := NormalizeBSN(s)
	return err == nil && ok
}

// IsNormalBSN reports whether s is a BSN as NormalizeBSN writes a valid one: nine ASCII digits that pass the
// elfproef. It allocates nothing, for callers that check many values already written that way.
func IsNormalBSN(s string) bool {
	if len(s) != 9 {
		return false
	}
	var d [9]byte
	for i := range d {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		d[i] = s[i]
	}
	return elfproef(d)
}

// elfproef applies the BSN variant of the eleven test to nine ASCII digits. All zeros pass the arithmetic but
// are no BSN.
func elfproef(d [9]byte) bool {
	sum := 0
	zero := true
	for i := 0; i < 8; i++ {
		v := int(d[i] - '0')
		sum += (9 - i) * v
		zero = zero && v == 0
	}
	last := int(d[8] - '0')
	zero = zero && last == 0
	sum -= last
	return !zero && sum%11 == 0
}

// BSNIdentifier turns a BSN as a partner wrote it into an Identifier, with a Finding when it is not a valid BSN.
// A value that fails the elfproef is kept (nine digits, Invalid set) with a "bsn-elfproef" finding; a value that
// is not eight or nine digits is kept as written, Invalid set, with a "bsn-format" finding. path names the field
// for the finding. The finding never contains the value. An empty raw value gives the zero Identifier and no
// finding: there is nothing to keep.
func BSNIdentifier(raw, path string) (Identifier, *Finding) {
	value, valid, err := NormalizeBSN(raw)
	if err != nil {
		kept := trimBSNSeparators(raw)
		if kept == "" {
			return Identifier{}, nil
		}
		return Identifier{Scheme: SchemeBSN, Value: kept, Invalid: true}, &Finding{
			Code:    FindingBSNFormat,
			Path:    path,
			Message: "bsn is not 8 or 9 digits; kept as invalid, not used for linking",
		}
	}
	id := Identifier{Scheme: SchemeBSN, Value: value, Invalid: !valid}
	if valid {
		return id, nil
	}
	return id, &Finding{
		Code:    FindingBSNElfproef,
		Path:    path,
		Message: "bsn fails the elfproef; kept as invalid, not used for linking",
	}
}

// trimBSNSeparators trims the separators NormalizeBSN ignores from both ends of s.
func trimBSNSeparators(s string) string {
	isSep := func(c byte) bool { return c == ' ' || c == '.' || c == '-' || c == '\t' }
	for len(s) > 0 && isSep(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSep(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}
