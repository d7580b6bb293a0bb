package match

import (
	"strings"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// KeyKind is the kind of a blocking key: which attributes it is made of.
type KeyKind uint8

// Blocking key kinds. Name keys are made of phonetic keys (see Phonetic), so spelling variants share them; a
// person registered under a partner's name gets keys for both surnames.
const (
	// KeyBSN is a valid BSN.
	KeyBSN KeyKind = iota + 1
	// KeySKN is a strafrechtketennummer.
	KeySKN
	// KeyBirthName is a complete birth date with one name: the surname, the partner's surname or the first
	// name. Records sharing the date and any one of these names meet, whatever happened to the other names
	// (typing errors, a partner name used without saying so, given name and surname exchanged).
	KeyBirthName
	// KeyYearNames is the birth year with first name and surname, in either order, so that records with given
	// name and surname exchanged share it. It finds records whose birth dates differ within the year or are
	// partial.
	KeyYearNames
	// KeyYearSurnameInitial is the birth year with the surname and the first initial: it finds records with a
	// misspelt or shortened first name and a partial or mistyped birth date.
	KeyYearSurnameInitial
	// KeyNames is first name and surname, in either order, without a date: it finds records whose birth date is
	// missing or has a mistyped year. Every record with both names is stored under it, but only a record without a
	// complete birth date probes it (see KeyNamesUndated). Its blocks are the largest; a caller may skip a block
	// of this kind above a size limit.
	KeyNames
	// KeyAddressInitial is postcode (or, without one, street), house number and first initial.
	KeyAddressInitial
	// KeyDayInitials is the day and month of birth with the first codes of the phonetic keys of the first name
	// (or first voorletter) and of one surname, in either order: it finds records whose names both have typing
	// errors (a first letter is seldom mistyped), or hold only voorletters, also when the birth year is mistyped.
	KeyDayInitials
	// KeyYearFirstInitial is the birth year with the first name and the first code of the phonetic key of one
	// surname: it finds records with a misspelt surname whose birth date differs within the year or is partial.
	KeyYearFirstInitial
	// KeyNamesUndated is KeyNames under another kind, stored only for a record without a complete birth date and
	// probed only by a record with one: a dated record looks among its namesakes for the undated ones alone.
	// Two records that both have a complete birth date meet on the date keys when their dates agree within a
	// typing error; when the dates disagree further the pair is at most a possible match and their persons are
	// kept apart, so a Names block would give them nothing but comparisons.
	KeyNamesUndated
	// KeyOtherID is an identifier other than the BSN and the SKN: an a-nummer, or a partner's own number of a
	// person under its issuer (see Features.OtherIDs) too short for KeyOtherIDEdit.
	KeyOtherID
	// KeyOtherIDEdit is a partner's own number, and that number with one character left out, one key for each
	// character: records whose numbers are one typing error apart (a character changed, added, left out, or two
	// exchanged) share one of them, as the comparison's one-edit level expects. Only partners' own numbers of at least
	// minEditIDLength characters get them: numbers a person typed over from another system, rather than the
	// a-nummer a register copies by machine, and long enough that a number with a character left out is rarely
	// another one's.
	KeyOtherIDEdit
)

// keyKindNames are the names of the key kinds.
var keyKindNames = [...]string{
	KeyBSN:                "bsn",
	KeySKN:                "skn",
	KeyBirthName:          "birth-name",
	KeyYearNames:          "year-names",
	KeyYearSurnameInitial: "year-surname-initial",
	KeyNames:              "names",
	KeyAddressInitial:     "address-initial",
	KeyDayInitials:        "day-initials",
	KeyYearFirstInitial:   "year-first-initial",
	KeyNamesUndated:       "names-undated",
	KeyOtherID:            "other-id",
	KeyOtherIDEdit:        "other-id-edit",
}

// String returns the kind's name.
func (k KeyKind) String() string {
	if k > 0 && int(k) < len(keyKindNames) {
		return keyKindNames[k]
	}
	return "unknown"
}

// Role says what a record does with one of its blocking keys. Most keys are symmetric (Stored|Probed): records
// sharing one meet whichever of them comes first. The names keys are asymmetric (see KeyNamesUndated), so that
// two dated namesakes do not meet on them while a dated and an undated one do, whatever their order.
type Role uint8

// Roles of a key; a key has at least one.
const (
	// Stored keys are what others find the record by: they go into the blocks (the blocking_keys table).
	Stored Role = 1 << iota
	// Probed keys are what the record looks for candidates by: it is compared with the records stored under them.
	Probed
)

// Key is a blocking key: a record is compared with the records stored under the keys it probes. Hash is a 64-bit
// FNV-1a hash of the kind and the key's parts, so a key holds no readable personal data; equal hashes of
// different parts are rare and cost only a needless comparison. The role is not part of what the key is: two
// records share a key when Kind and Hash agree.
type Key struct {
	Kind KeyKind
	Role Role
	Hash uint64
}

// Stored reports whether others find the record by k.
func (k Key) Stored() bool { return k.Role&Stored != 0 }

// Probed reports whether the record looks for candidates by k.
func (k Key) Probed() bool { return k.Role&Probed != 0 }

// minEditIDLength is the length from which a partner's own number gets KeyOtherIDEdit keys.
const minEditIDLength = 6

// maxKeys is the most keys one record usually has: BSN, SKN, birth date with first name, seven per surname (four),
// the address and a few other identifiers.
const maxKeys = 36

// Keys returns the blocking keys of a person with their roles, without duplicates.
func Keys(f *Features) []Key {
	return AppendKeys(make([]Key, 0, maxKeys), f)
}

// AppendKeys appends the blocking keys of a person with their roles to dst, without duplicates (a key made twice
// has the union of its roles). It allocates only when dst has no room. Whoever blocks records stores each
// record under its Stored keys and compares it with the records stored under its Probed keys: a pair meets when
// the later record probes a key the earlier one is stored under. The first name of the keys is the first voornaam,
// unless the given names hold a surname with its voorvoegsels (see surnameInGivenNames).
func AppendKeys(dst []Key, f *Features) []Key {
	start := len(dst)
	add := func(k Key) {
		for i, x := range dst[start:] {
			if x.Kind == k.Kind && x.Hash == k.Hash {
				dst[start+i].Role |= k.Role
				return
			}
		}
		dst = append(dst, k)
	}
	both := Stored | Probed
	if f.BSN != "" {
		add(Key{KeyBSN, both, newHash(KeyBSN).str(f.BSN).sum()})
	}
	if f.SKN != "" {
		add(Key{KeySKN, both, newHash(KeySKN).str(f.SKN).sum()})
	}
	for _, id := range f.OtherIDs {
		kind, v, _ := strings.Cut(id, "\x00")
		if !strings.HasPrefix(kind, "local:") || len(v) < minEditIDLength {
			add(Key{KeyOtherID, both, newHash(KeyOtherID).str(id).sum()})
			continue
		}
		// The edit keys include the whole number, so equal numbers meet on them too: no KeyOtherID beside them.
		edit := newHash(KeyOtherIDEdit).str(kind)
		add(Key{KeyOtherIDEdit, both, edit.str(v).sum()})
		for i := range len(v) {
			add(Key{KeyOtherIDEdit, both, edit.chars(v[:i]).str(v[i+1:]).sum()})
		}
	}
	date := f.Birth.Complete()
	day := blockDate(f.Birth)
	year := f.Birth.Year
	var buf [maxPhoneticInput]byte
	first := f.FirstNamePhonetic
	if w := surnameInGivenNames(f.GivenNames); w != "" {
		first = string(AppendPhonetic(buf[:0], w))
	}
	initial := firstInitial(f, first)
	if date && first != "" {
		add(Key{KeyBirthName, both, newHash(KeyBirthName).num(day).str(first).sum()})
	}
	for _, ph := range [4]string{f.SurnamePhonetic, f.PartnerPhonetic, f.HalfPhonetics[0], f.HalfPhonetics[1]} {
		if ph == "" {
			continue
		}
		if date {
			add(Key{KeyBirthName, both, newHash(KeyBirthName).num(day).str(ph).sum()})
			if initial != 0 {
				x, y := min(initial, ph[0]), max(initial, ph[0])
				add(Key{KeyDayInitials, both, newHash(KeyDayInitials).num(day % 10000).byte(x).byte(y).sum()})
			}
		}
		if year != 0 && first != "" {
			add(Key{KeyYearFirstInitial, both, newHash(KeyYearFirstInitial).num(year).str(first).byte(ph[0]).sum()})
		}
		if year != 0 && f.Initials != "" {
			add(Key{KeyYearSurnameInitial, both, newHash(KeyYearSurnameInitial).num(year).str(ph).str(f.Initials[:1]).sum()})
		}
		if first == "" {
			continue
		}
		x, y := first, ph
		if y < x {
			x, y = y, x
		}
		if year != 0 {
			add(Key{KeyYearNames, both, newHash(KeyYearNames).num(year).str(x).str(y).sum()})
		}
		names, undated := newHash(KeyNames).str(x).str(y).sum(), newHash(KeyNamesUndated).str(x).str(y).sum()
		if date {
			add(Key{KeyNames, Stored, names})
			add(Key{KeyNamesUndated, Probed, undated})
		} else {
			add(Key{KeyNames, both, names})
			add(Key{KeyNamesUndated, Stored, undated})
		}
	}
	// address adds the address-initial key of what stands for the address: the Dutch postcode, or a tagged street
	// or area.
	address := func(h keyHash, s string) {
		add(Key{KeyAddressInitial, both, h.str(s).num(f.HouseNumber).str(f.Initials[:1]).sum()})
	}
	switch {
	case f.HouseNumber == 0 || f.Initials == "":
	case dutchPostcode(f.Postcode):
		address(newHash(KeyAddressInitial), f.Postcode)
	default:
		// Without a Dutch postcode, the street stands in for it (see compareAddress); the place is left out, as one
		// side may lack it. A postcode of another form names an area as well, which finds the street mistyped.
		if f.Street != "" {
			address(newHash(KeyAddressInitial).byte('s'), f.Street)
		}
		if f.Postcode != "" {
			address(newHash(KeyAddressInitial).byte('a'), f.Postcode)
		}
	}
	return dst
}

// blockDate writes a complete date as a number for blocking keys, with day and month in ascending order, so that
// a date with day and month exchanged blocks with the right one.
func blockDate(d canonical.PartialDate) int {
	return d.Year*10000 + min(d.Month, d.Day)*100 + max(d.Month, d.Day)
}

// surnameInGivenNames returns the word after the voorvoegsels that given names (as in Features.GivenNames) begin
// with, or "" when they do not begin with one or hold nothing else. Given names that begin with a voorvoegsel are a
// surname written in the given-name field ("van der Meijden" with "Jan" as surname): their first word says nothing,
// while the word after the voorvoegsels is the surname's key, which the blocking keys take for the first name so
// that such a record still meets the records with the names the right way round.
func surnameInGivenNames(given string) string {
	word, rest, more := strings.Cut(given, " ")
	if !more || !canonical.IsSurnamePrefix(word) {
		return ""
	}
	for more {
		word, rest, more = strings.Cut(rest, " ")
		if !canonical.IsSurnamePrefix(word) {
			return word
		}
	}
	return ""
}

// firstInitial returns the first code of first, the phonetic key of the first name as blocking takes it, or of the
// first voorletter when only those are known, so that it compares with the first code of a surname's phonetic key
// (names exchanged); 0 when there is neither.
func firstInitial(f *Features, first string) byte {
	if first != "" {
		return first[0]
	}
	if f.Initials == "" {
		return 0
	}
	var buf [4]byte
	if k := AppendPhonetic(buf[:0], f.Initials[:1]); len(k) > 0 {
		return k[0]
	}
	return 0
}

// FNV-1a 64-bit parameters.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// keyHash is an FNV-1a hash under construction.
type keyHash uint64

// newHash starts the hash of a key of kind k.
func newHash(k KeyKind) keyHash {
	return keyHash(fnvOffset).byte(byte(k))
}

// byte adds one byte.
func (h keyHash) byte(b byte) keyHash {
	return (h ^ keyHash(b)) * fnvPrime
}

// str adds a string and a separator.
func (h keyHash) str(s string) keyHash { return h.chars(s).byte(0) }

// chars adds the bytes of s without a separator.
func (h keyHash) chars(s string) keyHash {
	for i := 0; i < len(s); i++ {
		h = h.byte(s[i])
	}
	return h
}

// num adds a non-negative number and a separator.
func (h keyHash) num(n int) keyHash {
	for i := 0; i < 4; i++ {
		h = h.byte(byte(n))
		n >>= 8
	}
	return h.byte(0)
}

// sum returns the hash.
func (h keyHash) sum() uint64 { return uint64(h) }
