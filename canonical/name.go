package canonical

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitSurname splits a combined surname into its voorvoegsel and geslachtsnaam, as the BRP keeps them:
// "van der Meijden" → ("van der", "Meijden"), "In 't Veld" → ("in 't", "Veld"), "d'Ancona" → ("d'", "Ancona").
// The longest voorvoegsel of the BRP table wins, compared without case; the prefix is returned as the BRP writes
// it (lower case, plain apostrophe) and the surname as given, with its white space trimmed and collapsed.
//
// A name that consists of voorvoegsels only ("De", "van der") is a surname without voorvoegsel. A name without a
// voorvoegsel is returned whole with an empty prefix.
func SplitSurname(full string) (prefix, surname string) {
	full = collapseSpace(full)
	p, rest := splitPrefix(full)
	return p, rest
}

// splitPrefix is SplitSurname without the white space clean-up; rest is a substring of s.
func splitPrefix(s string) (prefix, rest string) {
	s = strings.TrimSpace(s)
	if s == "" || IsSurnamePrefix(s) {
		return "", s
	}
	first := s[0]
	if apostropheLen(s) > 0 {
		first = '\''
	} else if first >= 'A' && first <= 'Z' {
		first += 'a' - 'A'
	}
	if first >= 128 {
		return "", s
	}
	for _, p := range prefixIndex[first] {
		n, ok := matchOne(s, p)
		if !ok {
			continue
		}
		r := strings.TrimSpace(s[n:])
		if r == "" || !startsWithLetter(r) {
			continue
		}
		return p, r
	}
	return "", s
}

// startsWithLetter reports whether s begins with a letter: a geslachtsnaam does.
func startsWithLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// JoinSurname writes voorvoegsel and geslachtsnaam as one name: ("van der", "Meijden") → "van der Meijden",
// ("d'", "Ancona") → "d'Ancona".
func JoinSurname(prefix, surname string) string {
	prefix = strings.TrimSpace(prefix)
	surname = strings.TrimSpace(surname)
	switch {
	case prefix == "":
		return surname
	case surname == "":
		return prefix
	case strings.HasSuffix(prefix, "'"):
		return prefix + surname
	}
	return prefix + " " + surname
}

// DisplaySurname returns the surname a person uses according to the naamgebruik: the own name (E), the
// partner's (P), partner then own (V: "Jansen-de Vries") or own then partner (N: "de Vries-Jansen"). Without a
// partner name it is the own name, whatever the naamgebruik says.
func DisplaySurname(n Name) string {
	own := JoinSurname(n.SurnamePrefix, n.Surname)
	partner := JoinSurname(n.PartnerSurnamePrefix, n.PartnerSurname)
	if partner == "" {
		return own
	}
	switch n.Usage {
	case NameUsagePartner:
		return partner
	case NameUsagePartnerOwn:
		if own == "" {
			return partner
		}
		return partner + "-" + own
	case NameUsageOwnPartner:
		if own == "" {
			return partner
		}
		return own + "-" + partner
	}
	return own
}

// NameFromUsed reads a surname as used (what many partner systems hold instead of the parts) back into own and
// partner name according to the naamgebruik: "Jansen-de Vries" with V gives own name "de Vries" and partner name
// "Jansen"; with N the own name comes first. With P the used name is the partner's; with E (or no naamgebruik)
// it is the own name. The voorvoegsels are split off.
//
// A combined name is split at its first hyphen for V and at its last for N, so a double-barrelled own name
// ("Jansen-Smit-de Vries" with V) stays whole when the partner's is single. ok is false when the used name does
// not have the form the naamgebruik calls for (V or N without a hyphen); the name is then kept as the own name.
func NameFromUsed(used string, usage NameUsage) (n Name, ok bool) {
	n.Usage = usage
	used = collapseSpace(used)
	switch usage {
	case NameUsagePartner:
		n.PartnerSurnamePrefix, n.PartnerSurname = splitPrefix(used)
		return n, used != ""
	case NameUsagePartnerOwn, NameUsageOwnPartner:
		first, second, found := splitUsed(used, usage)
		if !found {
			n.SurnamePrefix, n.Surname = splitPrefix(used)
			return n, false
		}
		if usage == NameUsagePartnerOwn {
			first, second = second, first
		}
		n.SurnamePrefix, n.Surname = splitPrefix(first)
		n.PartnerSurnamePrefix, n.PartnerSurname = splitPrefix(second)
		return n, true
	}
	n.SurnamePrefix, n.Surname = splitPrefix(used)
	return n, used != ""
}

// splitUsed splits a combined used surname into the name before and the name after its joining hyphen: the
// first hyphen for V, the last for N. Both halves must hold a letter.
func splitUsed(used string, usage NameUsage) (before, after string, ok bool) {
	i := strings.IndexByte(used, '-')
	if usage == NameUsageOwnPartner {
		i = strings.LastIndexByte(used, '-')
	}
	if i < 0 {
		return "", "", false
	}
	before, after = strings.TrimSpace(used[:i]), strings.TrimSpace(used[i+1:])
	if !hasLetter(before) || !hasLetter(after) {
		return "", "", false
	}
	return before, after, true
}

// hasLetter reports whether s contains a letter.
func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// NameKeys returns the comparison keys of a person's surname: every name the person may be registered under at
// another partner. A person married to Jansen who uses "Jansen-de Vries" may be known elsewhere as de Vries,
// Jansen, Jansen-de Vries or de Vries-Jansen, and some registers drop the voorvoegsel. The keys are, without
// duplicates: the name as used first, then own, partner, partner-own and own-partner name, then own and partner
// name without voorvoegsel.
//
// A key is the folded name (see Fold) with only its letters and digits, the Dutch ij written as y:
// "van der Meijden" → "vandermeyden", "Van der Meyden" → "vandermeyden". When the naamgebruik is V or N but no
// partner name is given, the own surname is taken to be the used one and split (see NameFromUsed). A name
// without surname has no keys.
func NameKeys(n Name) []string {
	ownPrefix, own := n.SurnamePrefix, n.Surname
	partnerPrefix, partner := n.PartnerSurnamePrefix, n.PartnerSurname
	if partner == "" && partnerPrefix == "" && (n.Usage == NameUsagePartnerOwn || n.Usage == NameUsageOwnPartner) {
		combined := own
		if ownPrefix != "" {
			combined = ownPrefix + " " + own
		}
		if first, second, ok := splitUsed(combined, n.Usage); ok {
			if n.Usage == NameUsagePartnerOwn {
				first, second = second, first
			}
			ownPrefix, own = splitPrefix(first)
			partnerPrefix, partner = splitPrefix(second)
		}
	}
	if ownPrefix == "" {
		ownPrefix, own = splitPrefix(own)
	}
	if partnerPrefix == "" {
		partnerPrefix, partner = splitPrefix(partner)
	}

	// Fold each part once; a key is a concatenation of folded parts.
	var partArr [128]byte
	parts := partArr[:0]
	var ends [4]int
	for i, p := range [4]string{ownPrefix, own, partnerPrefix, partner} {
		parts = appendFold(parts, p, true) // ij → y once the key is whole
		ends[i] = len(parts)
	}
	const (
		pOwnPrefix = iota
		pOwn
		pPartnerPrefix
		pPartner
	)
	part := func(i int) []byte {
		if i == 0 {
			return parts[:ends[0]]
		}
		return parts[ends[i-1]:ends[i]]
	}
	ownFull := parts[:ends[pOwn]]
	partnerFull := parts[ends[pOwn]:ends[pPartner]]

	var keyArr [256]byte
	buf := keyArr[:0]
	var kb keyBuilder
	if len(partnerFull) > 0 {
		switch n.Usage {
		case NameUsagePartner:
			buf = kb.add(buf, partnerFull, nil)
		case NameUsagePartnerOwn:
			buf = kb.add(buf, partnerFull, ownFull)
		case NameUsageOwnPartner:
			buf = kb.add(buf, ownFull, partnerFull)
		}
	}
	buf = kb.add(buf, ownFull, nil)
	if len(partnerFull) > 0 {
		buf = kb.add(buf, partnerFull, nil)
		buf = kb.add(buf, partnerFull, ownFull)
		buf = kb.add(buf, ownFull, partnerFull)
	}
	if len(part(pOwnPrefix)) > 0 {
		buf = kb.add(buf, part(pOwn), nil)
	}
	if len(part(pPartnerPrefix)) > 0 {
		buf = kb.add(buf, part(pPartner), nil)
	}
	return kb.keys(buf)
}

// maxNameKeys is the most keys NameKeys returns.
const maxNameKeys = 7

// keyBuilder collects the keys of a name in one buffer, so that NameKeys allocates the key bytes once.
type keyBuilder struct {
	ends [maxNameKeys]int
	n    int
}

// add appends the key of the folded parts a and b to buf unless it is empty or already present.
func (kb *keyBuilder) add(buf, a, b []byte) []byte {
	if len(a)+len(b) == 0 || kb.n == len(kb.ends) {
		return buf
	}
	start := len(buf)
	buf = ijToY(append(append(buf, a...), b...), start)
	k := buf[start:]
	prev := 0
	for i := 0; i < kb.n; i++ {
		if string(buf[prev:kb.ends[i]]) == string(k) {
			return buf[:start]
		}
		prev = kb.ends[i]
	}
	kb.ends[kb.n] = len(buf)
	kb.n++
	return buf
}

// keys returns the keys in buf as strings sharing one allocation.
func (kb *keyBuilder) keys(buf []byte) []string {
	if kb.n == 0 {
		return nil
	}
	all := string(buf)
	out := make([]string, kb.n)
	prev := 0
	for i := 0; i < kb.n; i++ {
		out[i] = all[prev:kb.ends[i]]
		prev = kb.ends[i]
	}
	return out
}

// SplitGivenNames returns the voornamen in s, in order: "Jan  Pieter" → ["Jan", "Pieter"]. A hyphenated name
// ("Jan-Willem") is one voornaam.
func SplitGivenNames(s string) []string {
	return strings.Fields(s)
}

// Initials returns the voorletters of the given names, without dots: "Jan Pieter" → "JP". A hyphenated name
// gives a letter per part ("Jan-Willem" → "JW") and the Dutch digraph IJ stays together ("IJsbrand" → "IJ").
func Initials(givenNames string) string {
	var b strings.Builder
	for _, name := range strings.Fields(givenNames) {
		for _, part := range strings.Split(name, "-") {
			part = strings.TrimLeftFunc(part, func(r rune) bool { return !unicode.IsLetter(r) })
			if part == "" {
				continue
			}
			r, size := utf8.DecodeRuneInString(part)
			b.WriteRune(unicode.ToUpper(r))
			if (r == 'I' || r == 'i') && len(part) > size && (part[size] == 'J' || part[size] == 'j') {
				b.WriteByte('J')
			}
		}
	}
	return b.String()
}

// NormalizeInitials writes voorletters as their letters, upper case, without dots or spaces: "j. p." → "JP",
// "IJ.A." → "IJA".
func NormalizeInitials(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// collapseSpace trims s and collapses each run of white space to one space, without allocating when there is
// nothing to do.
func collapseSpace(s string) string {
	clean := true
	prevSpace := true
	for _, r := range s {
		if unicode.IsSpace(r) {
			if prevSpace || r != ' ' {
				clean = false
				break
			}
			prevSpace = true
		} else {
			prevSpace = false
		}
	}
	if clean && !prevSpace || s == "" {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
