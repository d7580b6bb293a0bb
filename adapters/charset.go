package adapters

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// Charset is a single-byte character set such as ISO-8859-1 or Windows-1252. Every byte decodes to exactly one
// rune and back, so an adapter can read in UTF-8 and still hand out a record's bytes exactly as received. The
// five bytes Windows-1252 leaves undefined decode to the C1 control of the same number, as browsers do.
type Charset struct {
	name string
	dec  [256]rune
	enc  map[rune]byte
}

// LookupCharset returns the single-byte charset for an IANA name or alias ("ISO-8859-1", "latin1",
// "windows-1252", "cp1252"). It returns nil, nil for UTF-8 and US-ASCII, which need no decoding, and an error
// for every other encoding (UTF-16, multi-byte Asian encodings).
func LookupCharset(label string) (*Charset, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return nil, nil
	}
	e, err := ianaindex.IANA.Encoding(label)
	if err != nil || e == nil {
		// WHATWG labels such as "cp1252"; not for ISO-8859-1, which WHATWG reads as Windows-1252.
		e, err = htmlindex.Get(label)
	}
	if err != nil || e == nil {
		return nil, fmt.Errorf("encoding %q: not a known encoding", label)
	}
	cm, ok := e.(*charmap.Charmap)
	if !ok {
		return nil, fmt.Errorf("encoding %q: only UTF-8 and single-byte encodings are supported", label)
	}
	cs := &Charset{name: cm.String(), enc: make(map[rune]byte, 256)}
	for i := range 256 {
		r := cm.DecodeByte(byte(i))
		if r == utf8.RuneError {
			r = rune(i)
		}
		cs.dec[i] = r
		cs.enc[r] = byte(i)
	}
	return cs, nil
}

// Windows1252 returns the Windows-1252 charset.
func Windows1252() *Charset {
	cs, err := LookupCharset("windows-1252")
	if err != nil {
		panic(err)
	}
	return cs
}

// String returns the charset's name.
func (c *Charset) String() string { return c.name }

// DecodeByte returns the rune a byte stands for.
func (c *Charset) DecodeByte(b byte) rune { return c.dec[b] }

// AppendDecode appends the UTF-8 form of src to dst.
func (c *Charset) AppendDecode(dst, src []byte) []byte {
	for _, b := range src {
		if b < utf8.RuneSelf {
			dst = append(dst, b)
			continue
		}
		dst = utf8.AppendRune(dst, c.dec[b])
	}
	return dst
}

// AppendEncode appends src, UTF-8 decoded by this charset, back in the charset. Runes the charset cannot
// represent, which decoding never produces, become '?'.
func (c *Charset) AppendEncode(dst, src []byte) []byte {
	for len(src) > 0 {
		if src[0] < utf8.RuneSelf {
			dst = append(dst, src[0])
			src = src[1:]
			continue
		}
		r, n := utf8.DecodeRune(src)
		src = src[n:]
		if b, ok := c.enc[r]; ok {
			dst = append(dst, b)
		} else {
			dst = append(dst, '?')
		}
	}
	return dst
}

// NewReader returns a reader that decodes r from the charset to UTF-8.
func (c *Charset) NewReader(r io.Reader) io.Reader {
	return &charsetReader{cs: c, r: r, in: make([]byte, 16<<10)}
}

type charsetReader struct {
	cs  *Charset
	r   io.Reader
	in  []byte
	buf []byte
	out []byte
	err error
}

func (d *charsetReader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		// Each input byte decodes to at most 3 UTF-8 bytes.
		want := min(len(d.in), max(len(p)/3, 1))
		n, err := d.r.Read(d.in[:want])
		d.buf = d.cs.AppendDecode(d.buf[:0], d.in[:n])
		d.out = d.buf
		d.err = err
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}
