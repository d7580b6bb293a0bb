package xml

import (
	"bytes"
	exml "encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// The scanner is the adapter's XML tokenizer. It reads the input into one window, of which it keeps only the
// token being scanned and, while a record is open, the record's bytes, and hands out tokens as views into that
// window. It makes the same tokens, at the same lines, columns and offsets, and fails with the same messages at
// the same lines, as encoding/xml's Decoder.RawToken in strict mode, which the adapter used before (FuzzScanner and
// FuzzReadMatchesLegacy hold it to that), except where XML 1.0 is stricter: attribute names must be unique and
// attributes separated by white space, a character reference must name an XML character (encoding/xml turns a
// surrogate into U+FFFD), and an XML declaration may come only once, before the document element. A markup
// declaration (<!DOCTYPE, <!ENTITY) is refused as soon as it starts, without reading it. Like encoding/xml, it
// does not check the characters of comments and processing instructions.
//
// A token is scanned from its first byte on every attempt: when the window runs out before its end, the window is
// refilled and the token scanned again. Each refill at least doubles what is buffered of a long token, so the
// rescans cost no more than one more pass over it.

// tokenKind is what a token is.
type tokenKind uint8

const (
	tokStart     tokenKind = iota + 1 // a start tag; selfClose for <a/>, whose end follows as its own token
	tokEnd                            // an end tag
	tokText                           // character data or a CDATA section
	tokComment                        // a comment
	tokProcInst                       // a processing instruction, the XML declaration included
	tokDirective                      // <!DOCTYPE or any other markup declaration: never scanned further
)

// readChunk is how much the scanner asks its source for at a time.
const readChunk = 64 << 10

// sizeHint returns how many bytes src says it holds, or -1 when it does not say: Len of a bytes.Reader,
// strings.Reader or bytes.Buffer (what is left unread), the size of a regular file. It is only a hint for the
// first window: a source may hold more or less than it says, and the scanner reads it to its end either way.
func sizeHint(src io.Reader) int64 {
	switch v := src.(type) {
	case interface{ Len() int }:
		return int64(max(v.Len(), 0))
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return max(fi.Size(), 0)
		}
	}
	return -1
}

// errMore says the window ended before the token did; the scanner refills it and scans the token again.
var errMore = errors.New("more input needed")

// syntaxError is a well-formedness error: encoding/xml's message and the line it names.
type syntaxError struct {
	msg  string
	line int
	read int // window index up to which encoding/xml had read, to tell a fault past the token size limit
}

func (e *syntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// span is a stretch of the window, or of the scanner's scratch buffer when decoded tells so.
type span struct {
	from, to int
	decoded  bool
}

// attr is an attribute of a start tag: its qualified name split at the colon, and its value.
type attr struct {
	name          span // the qualified name
	prefix, local span
	value         span
}

type scanner struct {
	src   io.Reader
	cs    *adapters.Charset // set once the input declares a single-byte encoding
	rawIn []byte            // read buffer of a transcoded input

	buf  []byte // the window: buf[0] is at decoded offset base
	base int64
	pos  int // window index of the next token
	eof  bool
	rerr error // a read error other than io.EOF, returned once the window is used up
	// small is set while the source, smaller than readChunk by its own word, has not given more than it said:
	// the window is then sized to what is left of it rather than to readChunk.
	small bool
	hint  int64 // input bytes the source said it holds
	got   int64 // input bytes read so far
	pin   int64 // decoded offset the window must keep from; -1 keeps only the current token
	// limit bounds a token: one that needs more than limit+1 bytes read fails with errTokenTooLarge.
	limit int64

	line      int   // line of buf[pos]
	lineStart int64 // decoded offset of the first byte of that line

	// Input offsets: decoded offset markAbs is at input offset markRaw; bytes from switchAt on were transcoded,
	// so each rune there is one input byte.
	markAbs, markRaw, switchAt int64

	declAllowed bool            // no element and no XML declaration seen yet
	needClose   bool            // the last token was <a/>: its end comes next
	ahead       int             // 1 when the last token was text that ended at a '<', read with it
	refused     bool            // the last token was text cut at the token size limit: the read ends with it
	started     bool            // the first read happened (and the BOM was dealt with)
	empty       int             // reads in a row that returned nothing
	names       map[string]bool // verdicts on names with non-ASCII characters

	// The current token.
	nl        int // line ends in it so far
	nlEnd     int // window index after the last of them
	kind      tokenKind
	tokOff    int64 // decoded offset of its first byte
	tokLine   int
	tokCol    int
	prefix    span
	local     span
	selfClose bool
	attrs     []attr
	text      span
	scratch   []byte          // decoded text and attribute values of the current token
	seen      map[string]bool // attribute names of a start tag with many attributes
}

func newScanner(src io.Reader, limit int64) *scanner {
	return &scanner{src: src, limit: limit, pin: -1, line: 1, switchAt: 1<<63 - 1, declAllowed: true}
}

// room is how much free space the window should have for the next read: readChunk, or for a small source what
// it said is left of it and one byte more, to see its end. A source that gives more than it said is read as one
// of unknown size from then on.
func (s *scanner) room() int {
	if s.small {
		if left := s.hint - s.got; left >= 0 {
			return int(left) + 1
		}
		s.small = false
	}
	return readChunk
}

// offset is the decoded offset of the next token.
func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

// slice returns the window's bytes between two decoded offsets; they must still be in the window.
func (s *scanner) slice(from, to int64) []byte { return s.buf[from-s.base : to-s.base] }

// get returns what a span of the current token holds.
func (s *scanner) get(sp span) []byte {
	if sp.decoded {
		return s.scratch[sp.from:sp.to]
	}
	return s.buf[sp.from:sp.to]
}

// rawOffset returns the input offset of decoded offset abs; abs never decreases from call to call.
func (s *scanner) rawOffset(abs int64) int64 {
	s.markRaw += s.rawLen(s.markAbs, abs)
	s.markAbs = abs
	return s.markRaw
}

// rawLen is the length in the input of the decoded bytes between two offsets in the window.
func (s *scanner) rawLen(from, to int64) int64 {
	if to <= s.switchAt {
		return to - from
	}
	var n int64
	if from < s.switchAt {
		n, from = s.switchAt-from, s.switchAt
	}
	return n + int64(utf8.RuneCount(s.slice(from, to)))
}

// rawBytes returns a fresh copy of decoded bytes in the input's own encoding.
func (s *scanner) rawBytes(b []byte) []byte {
	if s.cs == nil {
		return bytes.Clone(b)
	}
	return s.cs.AppendEncode(make([]byte, 0, len(b)), b)
}

// next scans the next token. It returns io.EOF at the end of the input between tokens, a *syntaxError for input
// that is not well-formed, errTokenTooLarge for a token over the limit, and read and encoding errors as they are.
func (s *scanner) next() error {
	s.tokOff, s.tokLine, s.tokCol = s.offset(), s.line, int(s.offset()-s.lineStart)+1
	if s.refused {
		return errTokenTooLarge
	}
	if s.needClose {
		s.needClose = false
		s.kind = tokEnd
		s.ahead = 0
		return nil
	}
	for {
		err := s.scan()
		if err == errMore {
			if err = s.more(); err != nil {
				return err
			}
			continue
		}
		if se, ok := err.(*syntaxError); ok && s.tooLarge(se.read-s.pos) {
			return errTokenTooLarge
		}
		return err
	}
}

// more refills the window, keeping the current token and the pinned bytes. It reads at least as much as is
// buffered of a long token, so that scanning it again costs no more than what was read.
func (s *scanner) more() error {
	if s.rerr != nil {
		return s.rerr
	}
	have := len(s.buf) - s.pos
	if s.tooLarge(have + 1) {
		return errTokenTooLarge
	}
	if !s.started && s.got == 0 {
		// Asked here rather than in newScanner, which stays small enough to inline: the reader that holds the
		// scanner then stays off the heap.
		if h := sizeHint(s.src); h >= 0 && h < readChunk {
			s.small, s.hint = true, h
		}
	}
	keep := s.pos
	if s.pin >= 0 && int(s.pin-s.base) < keep {
		keep = int(s.pin - s.base)
	}
	room := s.room()
	if cap(s.buf)-len(s.buf) < room {
		if keep > 0 {
			s.markRaw += s.rawLen(s.markAbs, s.base+int64(keep))
			s.markAbs = s.base + int64(keep)
			n := copy(s.buf, s.buf[keep:])
			s.buf = s.buf[:n]
			s.base += int64(keep)
			s.pos -= keep
		}
		if cap(s.buf)-len(s.buf) < room || len(s.buf) > cap(s.buf)/2 {
			nb := make([]byte, len(s.buf), max(2*cap(s.buf), len(s.buf)+room))
			copy(nb, s.buf)
			s.buf = nb
		}
	}
	want := len(s.buf) + 1
	if have > readChunk {
		want = len(s.buf) + have
	}
	if !s.started {
		want = 3 // enough to tell a byte order mark
	}
	for len(s.buf) < want && !s.eof && s.rerr == nil {
		s.read()
	}
	if !s.started {
		s.started = true
		if bytes.HasPrefix(s.buf, []byte{0xEF, 0xBB, 0xBF}) {
			s.buf = s.buf[:copy(s.buf, s.buf[3:])]
			s.markRaw = 3
		}
	}
	if len(s.buf)-s.pos == have && s.rerr != nil {
		return s.rerr
	}
	return nil
}

// read appends what one read of the source gives to the window, decoded to UTF-8.
func (s *scanner) read() {
	var n int
	var err error
	want := min(readChunk/2, s.room())
	if s.cs == nil {
		s.buf = slices.Grow(s.buf, want)
		n, err = s.src.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
	} else {
		if len(s.rawIn) < want {
			s.rawIn = make([]byte, want)
		}
		n, err = s.src.Read(s.rawIn[:want])
		s.buf = s.cs.AppendDecode(s.buf, s.rawIn[:n])
	}
	s.got += int64(n)
	switch {
	case err == io.EOF:
		s.eof = true
	case err != nil:
		s.rerr = err
	case n == 0:
		// A reader may return nothing without an error, but not for ever.
		if s.empty++; s.empty == 100 {
			s.rerr = io.ErrNoProgress
		}
	default:
		s.empty = 0
	}
}

// advance moves past a token that ends at window index end, counting the lines scanning it found.
func (s *scanner) advance(end int) {
	if s.nl > 0 {
		s.line += s.nl
		s.lineStart = s.base + int64(s.nlEnd)
	}
	s.pos = end
}

// newlines counts the line ends in window bytes [from, to) of the current token.
func (s *scanner) newlines(from, to int) {
	if n := bytes.Count(s.buf[from:to], []byte{'\n'}); n > 0 {
		s.nl += n
		s.nlEnd = from + bytes.LastIndexByte(s.buf[from:to], '\n') + 1
	}
}

// lineAt is the line of window index i: encoding/xml names the line of the last byte it read.
func (s *scanner) lineAt(i int) int {
	return s.line + bytes.Count(s.buf[s.pos:i], []byte{'\n'})
}

// syntax is a fault found after reading the bytes before window index i.
func (s *scanner) syntax(msg string, i int) error {
	return &syntaxError{msg: msg, line: s.lineAt(i), read: i}
}

// syntaxPeek is a fault found at the byte at window index i, which encoding/xml read and put back.
func (s *scanner) syntaxPeek(msg string, i int) error {
	return &syntaxError{msg: msg, line: s.lineAt(i), read: i + 1}
}

// syntaxEOF is a fault found when the input ended: encoding/xml tried to read one more byte.
func (s *scanner) syntaxEOF(msg string) error {
	return &syntaxError{msg: msg, line: s.lineAt(len(s.buf)), read: len(s.buf) + 1}
}

// tooLarge reports whether reading n bytes from the token's start goes past the limit. encoding/xml, reading
// one byte at a time, read a byte while no more than limit were read: limit+1 bytes in all.
func (s *scanner) tooLarge(n int) bool { return int64(n) > s.limit+1 }

// need reports whether window index i holds a byte: errMore when the window must be refilled first, an
// unexpected EOF at the end of the input.
func (s *scanner) need(i int) error {
	if i < len(s.buf) {
		return nil
	}
	if !s.eof {
		return errMore
	}
	return s.syntaxEOF("unexpected EOF")
}

// needIn is need within the first to bytes of the window; capped says the token may not go past them.
func (s *scanner) needIn(i, to int, capped bool) error {
	if i < to {
		return nil
	}
	if capped {
		return errTokenTooLarge
	}
	return s.need(i)
}

// finish ends a token at window index end. Text that ends at a '<' was read with that '<', as encoding/xml
// reads it.
func (s *scanner) finish(kind tokenKind, end int) error {
	s.ahead = 0
	if kind == tokText && !s.refused && end < len(s.buf) && s.buf[end] == '<' {
		s.ahead = 1
	}
	if s.tooLarge(end - s.pos + s.ahead) {
		return errTokenTooLarge
	}
	s.kind = kind
	s.advance(end)
	return nil
}

// readTo is the decoded offset up to which encoding/xml would have read the input by now: the record size limit
// is checked against it. After errTokenTooLarge, it is where that token was refused.
func (s *scanner) readTo(tooLarge bool) int64 {
	if tooLarge {
		return s.offset() + s.limit + 1
	}
	return s.offset() + int64(s.ahead)
}

func (s *scanner) scan() error {
	b := s.buf
	i := s.pos
	if i >= len(b) {
		if !s.eof {
			return errMore
		}
		if s.rerr != nil {
			return s.rerr
		}
		return io.EOF
	}
	s.scratch = s.scratch[:0]
	s.nl = 0
	if b[i] != '<' {
		end, text, err := s.chars(i, 0)
		if err != nil {
			return err
		}
		s.text = text
		return s.finish(tokText, end)
	}
	i++
	if err := s.need(i); err != nil {
		return err
	}
	switch b[i] {
	case '/':
		return s.scanEnd(i + 1)
	case '?':
		return s.scanProcInst(i + 1)
	case '!':
		return s.scanBang(i + 1)
	}
	return s.scanStart(i)
}

// name scans a name from window index i, as encoding/xml's readName does: every byte that may be in a name, and
// every byte of a multi-byte character. It returns the name's end, i when there is none.
func (s *scanner) name(i int) (end int, err error) {
	return s.nameIn(i, len(s.buf), false)
}

// nameIn is name within the first to bytes of the window; capped says the token may not go past them.
func (s *scanner) nameIn(i, to int, capped bool) (end int, err error) {
	b := s.buf[:to]
	for j := i; j < len(b); j++ {
		if c := b[j]; c < utf8.RuneSelf && !nameByte[c] {
			return j, nil
		}
	}
	return 0, s.needIn(len(b), to, capped)
}

// qname scans a name at i that must be a valid XML name, split at its colon. ok is false for a missing name or
// one with more than one colon, which the caller names in its own words. It is name, isName and the split in one
// pass, for the names of every start and end tag.
func (s *scanner) qname(i int) (end int, prefix, local span, ok bool, err error) {
	b := s.buf
	colon, colons, high := -1, 0, false
	j := i
	for ; j < len(b); j++ {
		c := b[j]
		if c >= utf8.RuneSelf {
			high = true
			continue
		}
		if !nameByte[c] {
			break
		}
		if c == ':' {
			if colons == 0 {
				colon = j
			}
			colons++
		}
	}
	if j == len(b) {
		return 0, span{}, span{}, false, s.need(len(b))
	}
	end = j
	if end == i {
		return end, span{}, span{}, false, nil
	}
	n := b[i:end]
	if high && !s.isName(n) || !high && !nameStart(n[0]) {
		return end, span{}, span{}, false, s.syntaxPeek("invalid XML name: "+string(n), end)
	}
	switch {
	case colons == 0:
		return end, span{}, span{from: i, to: end}, true, nil
	case colons > 1:
		return end, span{}, span{}, false, nil
	case colon == i || colon == end-1:
		return end, span{}, span{from: i, to: end}, true, nil
	}
	return end, span{from: i, to: colon}, span{from: colon + 1, to: end}, true, nil
}

// space skips white space from i.
func (s *scanner) space(i int) int {
	b := s.buf
	for i < len(b) && isSpace(b[i]) {
		if b[i] == '\n' {
			s.nl++
			s.nlEnd = i + 1
		}
		i++
	}
	return i
}

func (s *scanner) scanStart(i int) error {
	b := s.buf
	end, prefix, local, ok, err := s.qname(i)
	if err != nil {
		return err
	}
	if !ok {
		return s.syntaxPeek("expected element name after <", end)
	}
	s.prefix, s.local, s.selfClose = prefix, local, false
	s.attrs = s.attrs[:0]
	i = end
	for {
		k := s.space(i)
		if err := s.need(k); err != nil {
			return err
		}
		switch b[k] {
		case '/':
			if err := s.need(k + 1); err != nil {
				return err
			}
			if b[k+1] != '>' {
				return s.syntax("expected /> in element", k+2)
			}
			s.selfClose, s.needClose = true, true
			s.declAllowed = false
			return s.finish(tokStart, k+2)
		case '>':
			s.declAllowed = false
			return s.finish(tokStart, k+1)
		}
		if k == i && len(s.attrs) > 0 {
			return s.syntax("expected white space before attribute name in element", k)
		}
		var a attr
		var ok bool
		end, a.prefix, a.local, ok, err = s.qname(k)
		if err != nil {
			return err
		}
		a.name = span{from: k, to: end}
		if !ok {
			return s.syntaxPeek("expected attribute name in element", end)
		}
		if err := s.unique(a); err != nil {
			return err
		}
		k = s.space(end)
		if err := s.need(k); err != nil {
			return err
		}
		if b[k] != '=' {
			return s.syntax("attribute name without = in element", k+1)
		}
		k = s.space(k + 1)
		if err := s.need(k); err != nil {
			return err
		}
		if q := b[k]; q != '"' && q != '\'' {
			return s.syntax("unquoted or missing attribute value in element", k+1)
		}
		i, a.value, err = s.chars(k+1, b[k])
		if err != nil {
			return err
		}
		s.attrs = append(s.attrs, a)
	}
}

// unique refuses an attribute whose qualified name an earlier attribute of the element has.
func (s *scanner) unique(a attr) error {
	name := s.buf[a.name.from:a.name.to]
	dup := false
	switch {
	case len(s.attrs) < 16:
		for _, o := range s.attrs {
			if bytes.Equal(s.buf[o.name.from:o.name.to], name) {
				dup = true
				break
			}
		}
	default:
		if len(s.attrs) == 16 {
			if len(s.seen) > 256 {
				s.seen = nil // clearing a map costs what it once held
			}
			if s.seen == nil {
				s.seen = map[string]bool{}
			}
			clear(s.seen)
			for _, o := range s.attrs {
				s.seen[string(s.buf[o.name.from:o.name.to])] = true
			}
		}
		dup = s.seen[string(name)]
		s.seen[string(name)] = true
	}
	if dup {
		return s.syntax("duplicate attribute "+string(name)+" in element", a.name.to)
	}
	return nil
}

func (s *scanner) scanEnd(i int) error {
	end, prefix, local, ok, err := s.qname(i)
	if err != nil {
		return err
	}
	if !ok {
		return s.syntaxPeek("expected element name after </", end)
	}
	k := s.space(end)
	if err := s.need(k); err != nil {
		return err
	}
	if s.buf[k] != '>' {
		return s.syntax("invalid characters between </"+string(s.buf[local.from:local.to])+" and >", k+1)
	}
	s.prefix, s.local = prefix, local
	return s.finish(tokEnd, k+1)
}

func (s *scanner) scanProcInst(i int) error {
	b := s.buf
	end, err := s.name(i)
	if err != nil {
		return err
	}
	if end == i {
		return s.syntaxPeek("expected target name after <?", i)
	}
	target := b[i:end]
	if !s.isName(target) {
		return s.syntaxPeek("invalid XML name: "+string(target), end)
	}
	k := s.space(end)
	if err := s.need(k); err != nil {
		return err
	}
	e := bytes.Index(b[k:], []byte("?>"))
	if e < 0 {
		return s.need(len(b))
	}
	e += k
	s.newlines(k, e)
	if string(target) == "xml" {
		if err := s.declaration(b[k:e], e+2); err != nil {
			return err
		}
	}
	s.local, s.text = span{from: i, to: end}, span{from: k, to: e}
	return s.finish(tokProcInst, e+2)
}

// declaration checks the XML declaration's version and switches to its encoding for the bytes after it, at
// window index end.
func (s *scanner) declaration(content []byte, end int) error {
	if !s.declAllowed {
		return s.syntax("xml declaration after the start of the document", end)
	}
	if ver := procInst("version", content); ver != "" && ver != "1.0" {
		return fmt.Errorf("xml: unsupported version %q; only version 1.0 is supported", ver)
	}
	if s.tooLarge(end - s.pos) {
		return errTokenTooLarge
	}
	s.declAllowed = false
	enc := procInst("encoding", content)
	if enc == "" || strings.EqualFold(enc, "utf-8") {
		return nil
	}
	cs, err := adapters.LookupCharset(enc)
	if err != nil {
		return fmt.Errorf("xml: opening charset %q: %w", enc, err)
	}
	if cs == nil {
		return nil
	}
	// The bytes after the declaration were read undecoded.
	rest := cs.AppendDecode(nil, s.buf[end:])
	s.buf = append(s.buf[:end], rest...)
	s.cs = cs
	s.switchAt = s.base + int64(end)
	return nil
}

// procInst returns the value of a pseudo-attribute of the XML declaration, as encoding/xml reads it: the first
// param= followed by a quote, up to the same quote.
func procInst(param string, s []byte) string {
	key := []byte(param + "=")
	for i := 0; i < len(s); {
		k := bytes.Index(s[i:], key)
		if k < 0 || i+k+len(key) >= len(s) {
			return ""
		}
		i += k + len(key)
		if q := s[i]; q == '\'' || q == '"' {
			if j := bytes.IndexByte(s[i+1:], q); j >= 0 {
				return string(s[i+1 : i+1+j])
			}
			return ""
		}
		i++
	}
	return ""
}

func (s *scanner) scanBang(i int) error {
	b := s.buf
	if err := s.need(i); err != nil {
		return err
	}
	switch b[i] {
	case '-':
		if err := s.need(i + 1); err != nil {
			return err
		}
		if b[i+1] != '-' {
			return s.syntax("invalid sequence <!- not part of <!--", i+2)
		}
		e := bytes.Index(b[i+2:], []byte("--"))
		if e < 0 {
			return s.need(len(b))
		}
		e += i + 2
		if err := s.need(e + 2); err != nil {
			return err
		}
		if b[e+2] != '>' {
			return s.syntax(`invalid sequence "--" not allowed in comments`, e+3)
		}
		s.newlines(i+2, e)
		s.text = span{from: i + 2, to: e}
		return s.finish(tokComment, e+3)
	case '[':
		for n := range len("CDATA[") {
			if err := s.need(i + 1 + n); err != nil {
				return err
			}
			if b[i+1+n] != "CDATA["[n] {
				return s.syntax("invalid <![ sequence", i+2+n)
			}
		}
		return s.cdata(i + 1 + len("CDATA["))
	}
	// A markup declaration: <!DOCTYPE, <!ENTITY. Refused as soon as it is seen.
	s.kind = tokDirective
	return nil
}

// cdata scans a CDATA section's content from i.
func (s *scanner) cdata(i int) error {
	b := s.buf
	e := bytes.Index(b[i:], []byte("]]>"))
	if e < 0 {
		if !s.eof {
			return errMore
		}
		return s.syntaxEOF("unexpected EOF in CDATA section")
	}
	e += i
	s.newlines(i, e)
	text := span{from: i, to: e}
	if bytes.IndexByte(b[i:e], '\r') >= 0 {
		text = s.normalize(b[i:e])
	}
	if msg := checkChars(s.get(text)); msg != "" {
		return s.syntax(msg, e+3)
	}
	s.text = text
	return s.finish(tokText, e+3)
}

// normalize copies b to the scratch buffer with "\r\n" and "\r" made "\n".
func (s *scanner) normalize(b []byte) span {
	from := len(s.scratch)
	for len(b) > 0 {
		r := bytes.IndexByte(b, '\r')
		if r < 0 {
			s.scratch = append(s.scratch, b...)
			break
		}
		s.scratch = append(s.scratch, b[:r]...)
		s.scratch = append(s.scratch, '\n')
		b = b[r+1:]
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
	}
	return span{from: from, to: len(s.scratch), decoded: true}
}

// chars scans character data from i: text up to '<' or the end of the input (quote 0), or an attribute value up
// to its closing quote. It decodes references and line ends into the scratch buffer when there are any, and
// returns the index after the data (after the closing quote of a value).
//
// encoding/xml read no more than limit+1 bytes of a token. Character data over that is cut there and checked: an
// attribute value fails as too large, text is handed out cut, and the read fails after it.
func (s *scanner) chars(i int, quote byte) (end int, text span, err error) {
	b := s.buf
	more := !s.eof // running out of b asks for more input
	capped := false
	if lim := int64(s.pos) + s.limit + 1; lim <= int64(len(b)) {
		b, more, capped = b[:lim], false, true
	}
	start, run := i, i
	decoded := false
	out := len(s.scratch)
	bad := "" // the first character that is not allowed; encoding/xml names it once the data has ended
	for i < len(b) {
		c := b[i]
		if plain[c] {
			i++
			continue
		}
		switch {
		case c == quote && quote != 0:
			end = i + 1
			goto done
		case c == '<':
			if quote != 0 {
				return 0, span{}, s.syntax("unescaped < inside quoted string", i+1)
			}
			end = i
			goto done
		case c == '&':
			r, n, err := s.reference(i, len(b), capped)
			if err != nil {
				return 0, span{}, err
			}
			decoded = true
			s.scratch = append(s.scratch, b[run:i]...)
			if r < 0 {
				s.scratch = append(s.scratch, byte(-r))
			} else {
				if bad == "" && !isChar(r) {
					bad = fmt.Sprintf("illegal character code %U", r)
				}
				s.scratch = utf8.AppendRune(s.scratch, r)
			}
			i += n
			run = i
		case c == '\n':
			s.nl++
			s.nlEnd = i + 1
			i++
		case c == '\r':
			if i+1 >= len(b) && more {
				return 0, span{}, errMore
			}
			decoded = true
			s.scratch = append(s.scratch, b[run:i]...)
			s.scratch = append(s.scratch, '\n')
			i++
			if i < len(b) && b[i] == '\n' {
				s.nl++
				s.nlEnd = i + 1
				i++
			}
			run = i
		case c == ']':
			if quote == 0 {
				if i+2 >= len(b) && more {
					return 0, span{}, errMore
				}
				if bytes.HasPrefix(b[i:], []byte("]]>")) {
					return 0, span{}, s.syntax("unescaped ]]> not in CDATA section", i+3)
				}
			}
			i++
		case c == '"' || c == '\'':
			i++
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				if more && !utf8.FullRune(b[i:]) {
					return 0, span{}, errMore
				}
				if bad == "" {
					bad = "invalid UTF-8"
				}
			} else if bad == "" && !isChar(r) {
				bad = fmt.Sprintf("illegal character code %U", r)
			}
			i += n
		default:
			if bad == "" {
				bad = fmt.Sprintf("illegal character code %U", rune(c))
			}
			i++
		}
	}
	if more {
		return 0, span{}, errMore
	}
	end = len(b)
	if bad != "" {
		return 0, span{}, s.syntax(bad, end)
	}
	switch {
	case capped && quote != 0:
		return 0, span{}, errTokenTooLarge
	case capped:
		s.refused = true
	case quote != 0:
		return 0, span{}, s.syntaxEOF("unexpected EOF")
	}
	i = end
done:
	if bad != "" {
		if quote == 0 {
			return 0, span{}, s.syntaxPeek(bad, end) // the '<' after the text was read
		}
		return 0, span{}, s.syntax(bad, end)
	}
	if !decoded {
		return end, span{from: start, to: i}, nil
	}
	s.scratch = append(s.scratch, b[run:i]...)
	return end, span{from: out, to: len(s.scratch), decoded: true}, nil
}

// reference decodes the entity or character reference at i: a predefined entity as -byte, a character
// reference as its rune; n is its length.
func (s *scanner) reference(i, to int, capped bool) (r rune, n int, err error) {
	b := s.buf
	k := i + 1
	if err := s.needIn(k, to, capped); err != nil {
		return 0, 0, err
	}
	if b[k] == '#' {
		k++
		if err := s.needIn(k, to, capped); err != nil {
			return 0, 0, err
		}
		base := 10
		if b[k] == 'x' {
			base = 16
			k++
		}
		digits := k
		for {
			if err := s.needIn(k, to, capped); err != nil {
				return 0, 0, err
			}
			if c := b[k]; '0' <= c && c <= '9' || base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				k++
				continue
			}
			break
		}
		if b[k] != ';' {
			return 0, 0, s.syntaxPeek("invalid character entity "+string(b[i:k])+" (no semicolon)", k)
		}
		v, err := strconv.ParseUint(string(b[digits:k]), base, 64)
		if err != nil || v > utf8.MaxRune {
			return 0, 0, s.syntax("invalid character entity "+string(b[i:k+1]), k+1)
		}
		return rune(v), k + 1 - i, nil
	}
	end, err := s.nameIn(k, to, capped)
	if err != nil {
		return 0, 0, err
	}
	if err := s.needIn(end, to, capped); err != nil {
		return 0, 0, err
	}
	if b[end] != ';' {
		return 0, 0, s.syntaxPeek("invalid character entity "+string(b[i:end])+" (no semicolon)", end)
	}
	var c byte
	switch string(b[k:end]) {
	case "lt":
		c = '<'
	case "gt":
		c = '>'
	case "amp":
		c = '&'
	case "apos":
		c = '\''
	case "quot":
		c = '"'
	default:
		return 0, 0, s.syntax("invalid character entity "+string(b[i:end+1]), end+1)
	}
	return -rune(c), end + 1 - i, nil
}

// checkChars returns what encoding/xml says of the first character of decoded data that is not an XML
// character, or "".
func checkChars(b []byte) string {
	for len(b) > 0 {
		if c := b[0]; plain[c] || c == '<' || c == '&' || c == ']' || c == '"' || c == '\'' || c == '\r' || c == '\n' {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			return "invalid UTF-8"
		}
		if !isChar(r) {
			return fmt.Sprintf("illegal character code %U", r)
		}
		b = b[n:]
	}
	return ""
}

// isChar reports whether r is a character XML allows (the Char production); surrogates are not.
func isChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// plain marks the bytes character data holds as they are: ASCII characters that end nothing, start no reference
// and need no check.
var plain, nameByte [256]bool

func init() {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		plain[c] = true
	}
	for _, c := range []byte{'<', '&', ']', '"', '\''} {
		plain[c] = false
	}
	plain['\t'] = true // '\n' is not plain: scanning counts lines
	for c := range 256 {
		b := byte(c)
		nameByte[c] = 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' ||
			b == '_' || b == ':' || b == '.' || b == '-'
	}
}

// isName reports whether n is a name encoding/xml accepts. ASCII names are checked here; the rare name with
// other characters is put to encoding/xml itself, whose tables of name characters (XML 1.0, fourth edition) the
// adapter keeps to.
func (s *scanner) isName(n []byte) bool {
	if len(n) == 0 {
		return false
	}
	ascii := true
	for _, c := range n {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		ok, known := s.names[string(n)]
		if !known {
			ok = isNameSlow(n)
			if s.names == nil {
				s.names = map[string]bool{}
			}
			if len(s.names) < 256 {
				s.names[string(n)] = ok
			}
		}
		return ok
	}
	return nameStart(n[0])
}

// nameStart reports whether an ASCII byte may start a name.
func nameStart(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':'
}

func isNameSlow(n []byte) bool {
	d := exml.NewDecoder(io.MultiReader(strings.NewReader("<?"), bytes.NewReader(n), strings.NewReader("?>")))
	d.Strict = true
	_, err := d.RawToken()
	return err == nil
}
