package identity

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

// codecVersion is the first byte of encoded features. It changes when the layout does; rows written under another
// version are re-prepared from their person JSON (see decodeFeatures' callers).
const codecVersion = 2

// errCodec means stored features could not be decoded.
var errCodec = errors.New("malformed stored features")

// encodeFeatures appends the binary form of f to dst: a version byte, then every field of match.Features in
// declaration order, strings as uvarint length and bytes, integers as varints. It is what person_records.features
// holds, so candidates are scored without folding their names again. Frequencies are left out: they are the
// index's at the time a record is resolved, and a candidate's play no part in its comparisons; decodeFeatures
// derives the rest (match.Features.Derive).
func encodeFeatures(dst []byte, f *match.Features) []byte {
	dst = append(dst, codecVersion)
	str := func(s string) {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	num := func(v int64) { dst = binary.AppendVarint(dst, v) }
	str(f.Surname)
	str(f.SurnamePhonetic)
	str(f.Partner)
	str(f.PartnerPhonetic)
	strs := func(ss []string) {
		dst = binary.AppendUvarint(dst, uint64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	strs(f.SurnameKeys)
	str(f.HalfPhonetics[0])
	str(f.HalfPhonetics[1])
	str(f.GivenNames)
	str(f.FirstName)
	str(f.FirstNamePhonetic)
	str(f.Initials)
	num(int64(f.Birth.Year))
	num(int64(f.Birth.Month))
	num(int64(f.Birth.Day))
	num(int64(f.BirthFirst))
	num(int64(f.BirthLast))
	str(f.BSN)
	invalid := byte(0)
	if f.BSNInvalid {
		invalid = 1
	}
	dst = append(dst, invalid)
	str(f.SKN)
	strs(f.OtherIDs)
	str(f.Postcode)
	num(int64(f.HouseNumber))
	dst = append(dst, f.Gender)
	str(f.Street)
	str(f.City)
	return dst
}

// decodeFeatures reads what encodeFeatures wrote. Strings are copied out of b, which the caller may reuse: b is
// copied into one string once, and the strings of f share it (a resolution decodes a few hundred candidates, and
// a string allocated per field was most of the cost of reading them).
func decodeFeatures(b []byte, f *match.Features) error {
	d := decoder{b: b, s: string(b)}
	if v := d.byte(); v != codecVersion {
		return fmt.Errorf("decoding features: version %d: %w", v, errCodec)
	}
	*f = match.Features{}
	f.Surname = d.str()
	f.SurnamePhonetic = d.str()
	f.Partner = d.str()
	f.PartnerPhonetic = d.str()
	f.SurnameKeys = d.strs()
	f.HalfPhonetics[0] = d.str()
	f.HalfPhonetics[1] = d.str()
	f.GivenNames = d.str()
	f.FirstName = d.str()
	f.FirstNamePhonetic = d.str()
	f.Initials = d.str()
	f.Birth.Year = int(d.varint())
	f.Birth.Month = int(d.varint())
	f.Birth.Day = int(d.varint())
	f.BirthFirst = int32(d.varint())
	f.BirthLast = int32(d.varint())
	f.BSN = d.str()
	f.BSNInvalid = d.byte() == 1
	f.SKN = d.str()
	f.OtherIDs = d.strs()
	f.Postcode = d.str()
	f.HouseNumber = int(d.varint())
	f.Gender = d.byte()
	f.Street = d.str()
	f.City = d.str()
	if d.err || len(d.b) != 0 {
		return fmt.Errorf("decoding features: %w", errCodec)
	}
	f.Derive()
	return nil
}

// decoder reads the encoding; the first problem sets err and makes every later read return zero. s is the whole
// encoding as a string; the strings read are slices of it.
type decoder struct {
	b   []byte
	s   string
	err bool
}

func (d *decoder) byte() byte {
	if d.err || len(d.b) == 0 {
		d.err = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

// strs reads a count and that many strings, at most 64; nil for none.
func (d *decoder) strs() []string {
	n := d.uvarint()
	if n > 64 {
		d.err = true
	}
	if d.err || n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err || n > uint64(len(d.b)) {
		d.err = true
		return ""
	}
	at := len(d.s) - len(d.b)
	d.b = d.b[n:]
	return d.s[at : at+int(n)]
}
