package canonical

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrHouseNumber is wrapped by the errors of ParseHouseNumber.
var ErrHouseNumber = errors.New("invalid house number")

// maxHouseNumber is the largest huisnummer the BAG allows.
const maxHouseNumber = 99999

// ParseHouseNumber splits a house number as written in one field into the BAG parts huisnummer, huisletter and
// huisnummertoevoeging: "12a" → (12, "a", ""), "12-2" → (12, "", "2"), "12 bis" → (12, "", "bis"),
// "12A-3" → (12, "A", "3"), "12 hs" → (12, "", "hs"). A single letter right after the number (with or without a
// space) is the huisletter; what follows, after an optional separator (space, dash, slash), is the toevoeging,
// at most four letters or digits as the BAG allows. The letter keeps its case. The error wraps ErrHouseNumber.
func ParseHouseNumber(s string) (number int, letter, addition string, err error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if number = number*10 + int(s[i]-'0'); number > maxHouseNumber {
			return 0, "", "", fmt.Errorf("parsing house number: more than 5 digits: %w", ErrHouseNumber)
		}
		i++
	}
	if i == 0 {
		return 0, "", "", fmt.Errorf("parsing house number: no leading number: %w", ErrHouseNumber)
	}
	if number == 0 {
		return 0, "", "", fmt.Errorf("parsing house number: zero: %w", ErrHouseNumber)
	}
	rest := strings.TrimLeft(s[i:], " ")
	// A huisletter is one letter followed by the end, a separator or a digit.
	if r, size := utf8.DecodeRuneInString(rest); r < utf8.RuneSelf && unicode.IsLetter(r) {
		if len(rest) == size || isHouseNumberSep(rest[size]) || rest[size] >= '0' && rest[size] <= '9' {
			letter = rest[:size]
			rest = rest[size:]
		}
	}
	rest = strings.TrimLeft(rest, " -/")
	if rest == "" {
		return number, letter, "", nil
	}
	if len(rest) > 4 {
		return 0, "", "", fmt.Errorf("parsing house number: toevoeging longer than 4 characters: %w", ErrHouseNumber)
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return 0, "", "", fmt.Errorf("parsing house number: toevoeging not letters and digits: %w", ErrHouseNumber)
		}
	}
	return number, letter, rest, nil
}

// isHouseNumberSep reports whether c separates the parts of a house number.
func isHouseNumberSep(c byte) bool { return c == ' ' || c == '-' || c == '/' }
