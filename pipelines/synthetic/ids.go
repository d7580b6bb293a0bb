package synthetic

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// Identifier capacities: each person number maps one-to-one onto an identifier, so identifiers never collide.
const (
	bsnSpace = 9_000_000  // seven-digit BSN stems 1000000..9999999
	sknSpace = 90_000_000 // SKNs 10000000..99999999
	maxIndex = bsnSpace   // the largest person number the identifier schemes can hold
)

// permute maps n in [0, space) one-to-one onto [0, space): an affine map with a multiplier coprime to space,
// so consecutive persons get unrelated-looking numbers.
func permute(n, space, mul, add uint64) uint64 { return (n*mul + add) % space }

// bsnFor returns the BSN of person n (0-based): a seven-digit stem unique to n, an eighth digit and a check digit
// chosen so that the number passes the elfproef (9·d1 + 8·d2 + ... + 2·d8 − d9 ≡ 0 mod 11).
func bsnFor(n int) string {
	stem := 1_000_000 + permute(uint64(n), bsnSpace, 7_368_787, 1_234_567)
	var d [9]int
	s := stem
	for i := 6; i >= 0; i-- {
		d[i] = int(s % 10)
		s /= 10
	}
	sum7 := 0
	for i := range 7 {
		sum7 += (9 - i) * d[i]
	}
	for d8 := range 10 {
		c := (sum7 + 2*d8) % 11
		if c <= 9 {
			d[7], d[8] = d8, c
			break
		}
	}
	b := make([]byte, 9)
	for i, v := range d {
		b[i] = byte('0' + v)
	}
	return string(b)
}

// breakBSN returns a variant of a valid BSN that fails the elfproef: one digit changed, as a typing error would.
// A single changed digit always breaks the check, because 11 is prime.
func breakBSN(r *rand.Rand, bsn string) string {
	b := []byte(bsn)
	i := r.IntN(9)
	b[i] = byte('0' + (int(b[i]-'0')+1+r.IntN(9))%10)
	return string(b)
}

// sknFor returns the strafrechtketennummer of person n: eight digits, unique per person.
func sknFor(n int) string {
	return strconv.FormatUint(10_000_000+permute(uint64(n), sknSpace, 48_271, 7_654_321), 10)
}

// aNummerFor returns an a-nummer-like ten-digit number for person n, unique per person. It has the a-nummer's
// shape (ten digits, no leading zero), not its check rules.
func aNummerFor(n int) string {
	return strconv.FormatUint(1_000_000_000+permute(uint64(n), 8_000_000_000, 2_654_435_761, 12_345_678), 10)
}

// postcodeLetters are the letters used in postcodes; the combinations SA, SD and SS are never issued.
const postcodeLetters = "ABCDEFGHJKLMNPRSTVWXZ"

func postcode(r *rand.Rand, p *place) string {
	for {
		a := postcodeLetters[r.IntN(len(postcodeLetters))]
		b := postcodeLetters[r.IntN(len(postcodeLetters))]
		if a == 'S' && (b == 'A' || b == 'D' || b == 'S') {
			continue
		}
		return fmt.Sprintf("%04d%c%c", p.pcFrom+r.IntN(p.pcTo-p.pcFrom+1), a, b)
	}
}
