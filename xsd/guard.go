package xsd

import (
	"bytes"
	"fmt"
)

// MaxAttributes caps the attributes, namespace declarations included, of one
// start tag. libxml2 2.9 checks a tag's attributes for duplicates pairwise, in
// time quadratic in their number: 80,000 attributes in an 850 kB document
// keep a core busy for tens of seconds. Real messages carry a few dozen.
const MaxAttributes = 1000

// checkAttributes finds the first start tag with more than MaxAttributes
// attributes. It counts '=' outside quoted values between '<' and '>', which
// can only overcount (a '<' in a comment, a malformed tag), never undercount.
func checkAttributes(doc []byte) *Problem {
	if bytes.Count(doc, []byte{'='}) <= MaxAttributes {
		return nil
	}
	for i := 0; ; {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			return nil
		}
		start := i + j
		i = start + 1
		if i < len(doc) && (doc[i] == '/' || doc[i] == '!' || doc[i] == '?') {
			continue
		}
		n := 0
		var quote byte
	tag:
		for ; i < len(doc); i++ {
			c := doc[i]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
				continue
			}
			switch c {
			case '"', '\'':
				quote = c
			case '=':
				n++
			case '>', '<':
				break tag
			}
		}
		if n > MaxAttributes {
			return &Problem{
				Line:    1 + bytes.Count(doc[:start], []byte{'\n'}),
				Element: tagName(doc[start+1:]),
				Message: fmt.Sprintf("Start tag has more than %d attributes", MaxAttributes),
				Kind:    KindForbidden,
			}
		}
	}
}

// tagName returns the local name at the start of b, at most 256 bytes.
func tagName(b []byte) string {
	end := bytes.IndexAny(b, " \t\r\n/>")
	if end < 0 {
		end = len(b)
	}
	name := b[:min(end, 256)]
	if k := bytes.LastIndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	return cleanText(string(name))
}
