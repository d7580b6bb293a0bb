package synthetic

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// charset is the encoding a source writes its text in.
type charset int

const (
	utf8Text charset = iota
	latin1Text
	cp1252Text
	asciiText
)

// appendText appends s in the charset. A character the charset cannot hold is folded to its base letter
// ("Ł" to "L"); in XML (xml true) it is written as a character reference instead and the markup characters are
// escaped.
func appendText(b []byte, s string, cs charset, xml bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if xml {
				switch c {
				case '<':
					b = append(b, "&lt;"...)
					continue
				case '>':
					b = append(b, "&gt;"...)
					continue
				case '&':
					b = append(b, "&amp;"...)
					continue
				case '"':
					b = append(b, "&quot;"...)
					continue
				}
			}
			b = append(b, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		var enc *charmap.Charmap
		switch cs {
		case utf8Text:
			b = utf8.AppendRune(b, r)
			continue
		case latin1Text:
			enc = charmap.ISO8859_1
		case cp1252Text:
			enc = charmap.Windows1252
		}
		if enc != nil {
			if e, ok := enc.EncodeRune(r); ok {
				b = append(b, e)
				continue
			}
		}
		if xml {
			b = append(b, "&#"...)
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, ';')
			continue
		}
		f := fold(string(r))
		b = appendText(b, f, cs, false)
	}
	return b
}

// rotator writes one source's records into numbered files of at most max records each, with a header and a
// footer around them.
type rotator struct {
	dir     string
	pattern string // file name with one %05d verb
	max     int
	header  func(b []byte) []byte
	footer  []byte

	f     *os.File
	w     *bufio.Writer
	count int
	files []string
}

// writer returns the writer for the next record, starting a new file when the current one is full.
func (r *rotator) writer() (*bufio.Writer, error) {
	if r.w != nil && r.count < r.max {
		r.count++
		return r.w, nil
	}
	if err := r.close(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", r.dir, err)
	}
	name := filepath.Join(r.dir, fmt.Sprintf(r.pattern, len(r.files)+1))
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("creating output file: %w", err)
	}
	r.f, r.w, r.count = f, bufio.NewWriterSize(f, 256<<10), 1
	r.files = append(r.files, name)
	if r.header != nil {
		if _, err := r.w.Write(r.header(nil)); err != nil {
			return nil, fmt.Errorf("writing %s: %w", name, err)
		}
	}
	return r.w, nil
}

// close finishes the current file, if any.
func (r *rotator) close() error {
	if r.w == nil {
		return nil
	}
	name := r.f.Name()
	_, err := r.w.Write(r.footer)
	if err == nil {
		err = r.w.Flush()
	}
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	r.f, r.w = nil, nil
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// writeFile writes one whole file, creating its directory.
func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(name), err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("writing output file: %w", err)
	}
	return nil
}

// padField appends s as a fixed-width field: ASCII, cut or padded with spaces to width bytes.
func padField(b []byte, s string, width int) []byte {
	start := len(b)
	b = appendText(b, s, asciiText, false)
	if len(b)-start > width {
		b = b[:start+width]
	}
	for len(b)-start < width {
		b = append(b, ' ')
	}
	return b
}
