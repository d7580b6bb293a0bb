package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// Features is the precomputed form of a canonical.Person that comparison and blocking work on: name parts as
// comparison keys (folded, letters only, the Dutch ij written as y), their phonetic keys, initials, the birth
// date as a range of days, the BSN only when it passes the elfproef, the SKN, the postcode and house number, and
// the gender. Prepare makes it once per record; comparing two Features neither folds nor allocates.
type Features struct {
	// h is what Prepare and Derive compute from the fields below so that a comparison mostly reads numbers held
	// at the start of Features rather than its strings and their bytes, which lie elsewhere in memory.
	h derived

	// Surname is the key of the own geslachtsnaam without its voorvoegsel: "van der Meijden" → "meyden".
	Surname string
	// SurnamePhonetic is the phonetic key of Surname (see Phonetic).
	SurnamePhonetic string
	// Partner is the key of the partner's geslachtsnaam without its voorvoegsel, used under naamgebruik P, V, N.
	Partner string
	// PartnerPhonetic is the phonetic key of Partner.
	PartnerPhonetic string
	// SurnameKeys are all names the person may be registered under elsewhere (canonical.NameKeys): own, partner
	// and combined names, with and without voorvoegsel. A hyphenated surname without a partner name may be a
	// combined name as used ("Vink-Huisman"); its halves are among the keys too.
	SurnameKeys []string
	// HalfPhonetics are the phonetic keys of the halves of such a hyphenated surname, for blocking.
	HalfPhonetics [2]string
	// GivenNames are the voornamen as keys separated by single spaces: "Jan-Willem Pieter" → "jan willem pieter".
	GivenNames string
	// FirstName is the first voornaam as a key: "jan".
	FirstName string
	// FirstNamePhonetic is the phonetic key of FirstName.
	FirstNamePhonetic string
	// Initials are the voorletters in lower case ("jwp"), from the given names or, without those, the initials.
	Initials string
	// Birth is the birth date, possibly partial; zero when unknown.
	Birth canonical.PartialDate
	// BirthFirst and BirthLast are the first and last day (days since 1970-01-01) Birth may stand for.
	BirthFirst, BirthLast int32
	// BSN is the nine-digit BSN when one passes the elfproef; empty otherwise.
	BSN string
	// BSNInvalid is set when the person has a BSN that fails the elfproef or is malformed. It is never compared.
	BSNInvalid bool
	// SKN is the strafrechtketennummer.
	SKN string
	// OtherIDs are the person's other identifiers, each its kind and its normalised value (see otherIDValue)
	// joined by a zero byte. The kind is "a-nummer", or "local:" and the issuer of a partner's own number (the
	// partner that delivered the record when none is named). Identifiers marked invalid are left out.
	OtherIDs []string
	// Postcode is the postcode of the address compared: a Dutch one as "1234AB"; one of another form (an address
	// abroad, a partner that writes the four digits only) as its letters and digits in upper case, after the country
	// for an address abroad ("be:2000"). Only a Dutch one is compared as a postcode; either names the address's
	// area (see compareAddress).
	Postcode string
	// HouseNumber is the huisnummer of the address compared; 0 when unknown.
	HouseNumber int
	// Street is the key of the straatnaam of that address (see streetKey): what the address is compared by when a
	// record has no Dutch postcode (a foreign address, a partner that records none), and what tells a mistyped
	// postcode from a move.
	Street string
	// City is the key of the woonplaats of that address (see placeKey), with the country for one abroad.
	City string
	// Gender is 'M' or 'V'; 0 when unknown.
	Gender byte
	// Frequencies are how common the record's names are in the index it is resolved against; they adjust the
	// weight of an exact agreement on a name (see Frequencies). Prepare leaves them zero: the resolver sets them
	// from its counts.
	Frequencies Frequencies
}

// derived holds what comparing reads of nearly every pair, in 88 bytes: 64-bit hashes of the name keys, which stand
// for the keys' equality (two different keys share one with a probability of 2⁻⁶⁴); letter masks and lengths that
// bound Jaro-Winkler similarities from above without reading a key's bytes; the BSN, postcode, house number, birth
// date and gender as numbers; a 64-bit filter of the names a person may be registered under, which rules most
// names out of the name-usage level without reading them; and 32-bit hashes of the phonetic keys and the partner's
// name, whose equality is confirmed on the strings.
type derived struct {
	used, given, first  uint64 // usedSurname's key, GivenNames, FirstName; 0 when empty
	usedMask, firstMask uint32 // see letterMask
	bsn                 uint32 // the BSN's number + 1; 0 without; bsnOther when not nine digits
	postcode            uint32 // see packPostcode; 0 without
	house               int32
	birth               int32  // Birth as YYYYMMDD, unknown parts 0; 0 when unknown
	keyBits             uint64 // bit h%64 for the hash h, folded to 32 bits, of each of SurnameKeys
	usedLen, firstLen   uint8  // lengths of the keys, at most 255
	givenLen            uint8
	firstByte           byte // the first byte of FirstName
	gender              byte
	otherIDs            uint8 // len(OtherIDs)
	prefixed            bool  // see writtenKey

	usedPhonetic, partner uint32 // usedSurname's phonetic key, Partner (folded to 32 bits); 0 when empty
	firstPhonetic         uint32 // FirstNamePhonetic; 0 when empty
	street, city          uint32 // Street, City (folded to 32 bits); 0 when empty
	area                  uint32 // see postcodeArea; 0 without
}

// Derive computes what Prepare derives from the exported fields, for Features assembled field by field (decoded
// from storage). Prepare calls it; calling it again changes nothing.
func (f *Features) Derive() {
	used, usedPhonetic := usedSurname(f)
	f.h = derived{
		used: hash64(used), given: hash64(f.GivenNames), first: hash64(f.FirstName),
		usedMask: letterMask(used), firstMask: letterMask(f.FirstName),
		usedLen: clampLen(used), firstLen: clampLen(f.FirstName), givenLen: clampLen(f.GivenNames),
		postcode: packPostcode(f.Postcode), house: int32(f.HouseNumber), gender: f.Gender,
		usedPhonetic: hash32(usedPhonetic), partner: uint32(hash64(f.Partner)), firstPhonetic: hash32(f.FirstNamePhonetic),
		street: hash32(f.Street), city: hash32(f.City), otherIDs: uint8(min(len(f.OtherIDs), 255)),
		area: postcodeArea(f.Postcode),
	}
	if f.FirstName != "" {
		f.h.firstByte = f.FirstName[0]
	}
	f.h.prefixed = f.Partner == "" && f.Surname != "" && len(f.SurnameKeys) > 0 && f.SurnameKeys[0] != f.Surname
	if f.BSN != "" {
		f.h.bsn = packBSN(f.BSN)
	}
	if !f.Birth.IsZero() {
		f.h.birth = int32(packDate(f.Birth))
	}
	for _, k := range f.SurnameKeys {
		f.h.keyBits |= 1 << (uint32(hash64(k)) % 64)
	}
}

// hash64 is the 64-bit FNV-1a hash of s, 0 for the empty string only.
func hash64(s string) uint64 {
	if s == "" {
		return 0
	}
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return max(h, 1)
}

// hash32 is the 32-bit FNV-1a hash of s, 0 for the empty string only.
func hash32(s string) uint32 {
	if s == "" {
		return 0
	}
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return max(h, 1)
}

// clampLen returns the length of s, at most 255.
func clampLen(s string) uint8 { return uint8(min(len(s), 255)) }

// bsnOther is the packed form of a BSN that is not nine digits: such BSNs compare as strings.
const bsnOther = 1 << 31

// packBSN returns a nine-digit BSN as its number plus one, below 10⁹ + 1 and so below bsnOther; bsnOther for
// anything else.
func packBSN(s string) uint32 {
	if len(s) != 9 {
		return bsnOther
	}
	var n uint32
	for i := 0; i < 9; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return bsnOther
		}
		n = n*10 + uint32(c-'0')
	}
	return n + 1
}

// packPostcode returns a Dutch postcode as a number, 1 + its digits' number × 676 + its letters' (below 6.8
// million); 0 for none or one of another form.
func packPostcode(pc string) uint32 {
	if !dutchPostcode(pc) {
		return 0
	}
	n := uint32(0)
	for i := 0; i < 4; i++ {
		n = n*10 + uint32(pc[i]-'0')
	}
	return 1 + n*676 + uint32(pc[4]-'A')*26 + uint32(pc[5]-'A')
}

// dutchPostcode reports whether pc has the form of a Dutch postcode as Prepare writes it, "1234AB".
func dutchPostcode(pc string) bool {
	if len(pc) != 6 {
		return false
	}
	for i := 0; i < 4; i++ {
		if pc[i] < '0' || pc[i] > '9' {
			return false
		}
	}
	return pc[4] >= 'A' && pc[4] <= 'Z' && pc[5] >= 'A' && pc[5] <= 'Z'
}

// postcodeArea returns the area a postcode names, folded to 32 bits: the four digits of a Dutch one (a few
// thousand addresses), the whole of another; 0 for none.
func postcodeArea(pc string) uint32 {
	if dutchPostcode(pc) {
		pc = pc[:4]
	}
	return hash32(pc)
}

// nonASCII is the bit of letterMask for any byte other than a-z and 0-9.
const nonASCII = 1 << 31

// letterMask returns the set of letters in key: bit i for 'a'+i, bit 26 for any digit, nonASCII for any other
// byte.
func letterMask(key string) uint32 {
	var m uint32
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c >= 'a' && c <= 'z':
			m |= 1 << (c - 'a')
		case c >= '0' && c <= '9':
			m |= 1 << 26
		default:
			m |= nonASCII
		}
	}
	return m
}

// Prepare computes the Features of a person.
func Prepare(p canonical.Person) Features {
	var f Features
	n := p.Name
	ownPrefix, own := n.SurnamePrefix, n.Surname
	partnerPrefix, partner := n.PartnerSurnamePrefix, n.PartnerSurname
	if partner == "" && partnerPrefix == "" &&
		(n.Usage == canonical.NameUsagePartnerOwn || n.Usage == canonical.NameUsageOwnPartner) {
		// The own surname holds the combined name as used; split it as NameKeys does.
		if u, ok := canonical.NameFromUsed(canonical.JoinSurname(ownPrefix, own), n.Usage); ok {
			ownPrefix, own = u.SurnamePrefix, u.Surname
			partnerPrefix, partner = u.PartnerSurnamePrefix, u.PartnerSurname
		}
	}
	if ownPrefix == "" {
		_, own = canonical.SplitSurname(own)
	}
	if partnerPrefix == "" {
		_, partner = canonical.SplitSurname(partner)
	}
	f.Surname = nameKey(own)
	f.SurnamePhonetic = Phonetic(f.Surname)
	f.Partner = nameKey(partner)
	f.PartnerPhonetic = Phonetic(f.Partner)
	f.SurnameKeys = canonical.NameKeys(n)
	if partner == "" {
		if i := strings.IndexByte(own, '-'); i > 0 {
			for h, half := range [2]string{own[:i], own[i+1:]} {
				_, half = canonical.SplitSurname(half)
				if k := nameKey(half); k != "" {
					f.SurnameKeys = append(f.SurnameKeys, k)
					f.HalfPhonetics[h] = Phonetic(k)
				}
			}
		}
	}

	f.GivenNames = givenKey(n.GivenNames)
	if onlyLetters(f.GivenNames) {
		// Voorletters written where the voornamen belong ("J.P."): they are initials, not names.
		f.GivenNames = ""
		if n.Initials == "" {
			n.Initials = n.GivenNames
		}
	}
	if i := strings.IndexByte(f.GivenNames, ' '); i >= 0 {
		f.FirstName = f.GivenNames[:i]
	} else {
		f.FirstName = f.GivenNames
	}
	f.FirstNamePhonetic = Phonetic(f.FirstName)
	if f.GivenNames != "" {
		f.Initials = initialsOf(f.GivenNames)
	} else {
		f.Initials = strings.ReplaceAll(strings.ToLower(canonical.NormalizeInitials(canonical.Fold(n.Initials))), "ij", "y")
	}

	if p.BirthDate != nil && !p.BirthDate.IsZero() {
		f.Birth = *p.BirthDate
		first, last := f.Birth.Range()
		f.BirthFirst = int32(first.Unix() / 86400)
		f.BirthLast = int32(last.Unix() / 86400)
	}

	for _, id := range p.Identifiers {
		switch id.Scheme {
		case canonical.SchemeBSN:
			v, valid, err := canonical.NormalizeBSN(id.Value)
			if err != nil || !valid || id.Invalid {
				f.BSNInvalid = true
				continue
			}
			if f.BSN == "" {
				f.BSN = v
			}
		case canonical.SchemeSKN:
			if f.SKN == "" {
				f.SKN = strings.ToUpper(strings.TrimSpace(id.Value))
			}
		case canonical.SchemeANummer, canonical.SchemeLocal:
			kind := string(canonical.SchemeANummer)
			if id.Scheme == canonical.SchemeLocal {
				issuer := id.Issuer
				if issuer == "" {
					issuer = p.Provenance.Partner
				}
				kind = "local:" + strings.ToLower(strings.TrimSpace(issuer))
			}
			if v := otherIDValue(id.Value); v != "" && !id.Invalid && len(f.OtherIDs) < maxOtherIDs {
				f.OtherIDs = append(f.OtherIDs, kind+"\x00"+v)
			}
		}
	}

	f.Postcode, f.HouseNumber, f.Street, f.City = compared(p.Addresses)

	switch p.Gender {
	case canonical.GenderMale:
		f.Gender = 'M'
	case canonical.GenderFemale:
		f.Gender = 'V'
	}
	f.Derive()
	return f
}

// maxOtherIDs is the most other identifiers of a person that are compared.
const maxOtherIDs = 4

// otherIDValue normalises an identifier for comparison: upper case, letters and digits only ("12.34-5 a" →
// "12345A").
func otherIDValue(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// compared returns what of a person's addresses is compared: the first Dutch address with a valid postcode, else
// the first address with a street, domestic or abroad, with its postcode as written (see Features.Postcode), else
// the first with a postcode of another form, for its area. A
// postcode that is not of the Dutch form (a foreign one, the four digits alone, one mistyped beyond recognition) is
// not compared as a postcode: the size of its area is unknown, so its agreement has no known weight. It does name
// one area, which tells a street mistyped twice or a mistyped place from another street or place.
func compared(addrs []canonical.Address) (postcode string, house int, street, city string) {
	for _, a := range addrs {
		if a.Country != "" && a.Country != "NL" {
			continue
		}
		if pc, ok := canonical.NormalizePostcode(a.Postcode); ok {
			return pc, a.HouseNumber, streetKey(a.Street), placeKey(a)
		}
	}
	for _, a := range addrs {
		if s := streetKey(a.Street); s != "" {
			return areaKey(a), a.HouseNumber, s, placeKey(a)
		}
	}
	for _, a := range addrs {
		if pc := areaKey(a); pc != "" {
			return pc, a.HouseNumber, "", placeKey(a)
		}
	}
	return "", 0, "", ""
}

// areaKey returns the postcode of an address that has no valid Dutch one: its letters and digits in upper case,
// after the country for an address abroad; "" without a postcode.
func areaKey(a canonical.Address) string {
	return abroad(a, otherIDValue(a.Postcode))
}

// abroad returns the key k of a part of address a, with the country before it for an address abroad; "" for "".
func abroad(a canonical.Address, k string) string {
	if k == "" || a.Country == "" || a.Country == "NL" {
		return k
	}
	return strings.ToLower(a.Country) + ":" + k
}

// streetAbbreviations are abbreviated words of Dutch street names, written out ("Burg. de Witstr." and
// "Burgemeester de Witstraat" are one street).
var streetAbbreviations = map[string]string{
	"burg": "burgemeester", "st": "sint", "pr": "prins", "kon": "koning", "mr": "meester",
	"dr": "doctor", "prof": "professor", "gen": "generaal", "v": "van", "vd": "vander", "wed": "weduwe",
}

// streetKey returns the comparison key of a straatnaam: folded, letters and digits only, the words written
// together, abbreviated words written out and a final "str" as "straat", ij written as y.
func streetKey(s string) string {
	if s == "" {
		return ""
	}
	words := strings.FieldsFunc(canonical.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var b strings.Builder
	for i, w := range words {
		if long, ok := streetAbbreviations[w]; ok && i < len(words)-1 {
			w = long
		}
		if i == len(words)-1 && strings.HasSuffix(w, "str") {
			w += "aat"
		}
		b.WriteString(w)
	}
	return string(ijToY([]byte(b.String())))
}

// placeKey returns the comparison key of an address's woonplaats, with the country before it for an address
// abroad; "" without a woonplaats.
func placeKey(a canonical.Address) string {
	return abroad(a, nameKey(a.City))
}

// nameKey returns the comparison key of a name part: folded, letters and digits only, ij written as y.
func nameKey(s string) string {
	folded := canonical.Fold(s)
	var buf [128]byte
	out := buf[:0]
	for i := 0; i < len(folded); {
		r, size := utf8.DecodeRuneInString(folded[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = utf8.AppendRune(out, r)
		}
	}
	return string(ijToY(out))
}

// givenKey returns the voornamen as keys separated by single spaces; hyphens separate names too.
func givenKey(s string) string {
	folded := canonical.Fold(s)
	var buf [128]byte
	out := buf[:0]
	space := false
	for i := 0; i < len(folded); {
		r, size := utf8.DecodeRuneInString(folded[i:])
		i += size
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && len(out) > 0 {
				out = append(out, ' ')
			}
			space = false
			out = utf8.AppendRune(out, r)
		case r == '\'':
			// an apostrophe joins: "Ma'ruf"
		default:
			space = true
		}
	}
	return string(ijToY(out))
}

// onlyLetters reports whether the space-separated keys of given are all one letter long (and there is one).
func onlyLetters(given string) bool {
	if given == "" {
		return false
	}
	for _, w := range strings.Fields(given) {
		if utf8.RuneCountInString(w) > 1 {
			return false
		}
	}
	return true
}

// ijToY rewrites each "ij" in b as "y", in place.
func ijToY(b []byte) []byte {
	w := 0
	for r := 0; r < len(b); r++ {
		if b[r] == 'i' && r+1 < len(b) && b[r+1] == 'j' {
			b[w] = 'y'
			r++
		} else {
			b[w] = b[r]
		}
		w++
	}
	return b[:w]
}

// initialsOf returns the first letter of each space-separated key in given.
func initialsOf(given string) string {
	var buf [16]byte
	out := buf[:0]
	for _, w := range strings.Fields(given) {
		r, _ := utf8.DecodeRuneInString(w)
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

// firstRune returns the first rune of s, 0 for the empty string.
func firstRune(s string) rune {
	if s == "" {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
