package canonical

import "strings"

// NormalizePostcode writes a Dutch postcode in the form the BRP and the BAG use, four digits and two capital
// letters without a space: "1234 ab", "1234-AB" and " 1234ab " all give "1234AB". ok is false for what cannot
// be a Dutch postcode: a wrong length, a leading zero, a letter pair that is not issued (SA, SD, SS). The input
// is then returned trimmed, so that it can be kept as written.
func NormalizePostcode(s string) (postcode string, ok bool) {
	t := strings.TrimSpace(s)
	var b [6]byte
	n := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case n < 4 && c >= '0' && c <= '9':
			b[n] = c
			n++
		case n >= 4 && n < 6 && (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'):
			b[n] = c &^ 0x20 // upper case
			n++
		case n == 4 && (c == ' ' || c == '-' || c == '\t'):
			// the separator between digits and letters
		default:
			return t, false
		}
	}
	if n != 6 || b[0] == '0' {
		return t, false
	}
	switch string(b[4:]) {
	case "SA", "SD", "SS":
		return t, false
	}
	return string(b[:]), true
}
