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
	// Postcode is the postcode of the first address that has one, "1234AB".
	Postcode string
	// HouseNumber is the huisnummer at Postcode; 0 when unknown.
	HouseNumber int
	// Gender is 'M' or 'V'; 0 when unknown.
	Gender byte
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
		}
	}

	for _, a := range p.Addresses {
		if a.Country != "" && a.Country != "NL" {
			continue
		}
		pc, ok := canonical.NormalizePostcode(a.Postcode)
		if !ok {
			continue
		}
		f.Postcode = pc
		f.HouseNumber = a.HouseNumber
		break
	}

	switch p.Gender {
	case canonical.GenderMale:
		f.Gender = 'M'
	case canonical.GenderFemale:
		f.Gender = 'V'
	}
	return f
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
