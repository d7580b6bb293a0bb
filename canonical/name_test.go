package canonical

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitSurname(t *testing.T) {
	tests := []struct {
		in, prefix, surname string
	}{
		{"van der Meijden", "van der", "Meijden"},
		{"In 't Veld", "in 't", "Veld"},
		{"in ’t Veld", "in 't", "Veld"},
		{"de Vries-Jansen", "de", "Vries-Jansen"},
		{"Van den Berg", "van den", "Berg"},
		{"VAN DEN BERG", "van den", "BERG"},
		{"ter Horst", "ter", "Horst"},
		{"van 't Hof", "van 't", "Hof"},
		{"van't Hof", "van 't", "Hof"},
		{"d'Ancona", "d'", "Ancona"},
		{"d’Ancona", "d'", "Ancona"},
		{"de la Court", "de la", "Court"},
		{"van de Laar", "van de", "Laar"},
		{"van de l'Isle", "van de l'", "Isle"},
		{"op den Camp", "op den", "Camp"},
		{"uit den Bogaard", "uit den", "Bogaard"},
		{"von Bismarck", "von", "Bismarck"},
		{"von der Leyen", "von der", "Leyen"},
		{"zu Solms", "zu", "Solms"},
		{"le Clercq", "le", "Clercq"},
		{"'s Gravesande", "'s", "Gravesande"},
		{"ten Hag", "ten", "Hag"},
		{"de van der Schueren", "de van der", "Schueren"},
		{"voor in 't Holt", "voor in 't", "Holt"},
		{"dos Santos", "dos", "Santos"},
		{"El Amrani", "el", "Amrani"},
		{"  van   der   Meijden  ", "van der", "Meijden"},
		// Not split.
		{"Jansen", "", "Jansen"},
		{"De", "", "De"},
		{"van der", "", "van der"},
		{"Vandenberg", "", "Vandenberg"},
		{"Deken", "", "Deken"},
		{"Terhorst", "", "Terhorst"},
		{"de-Vries", "", "de-Vries"},
		{"van 1", "", "van 1"},
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, s := SplitSurname(tt.in)
			if p != tt.prefix || s != tt.surname {
				t.Errorf("SplitSurname(%q) = (%q, %q), want (%q, %q)", tt.in, p, s, tt.prefix, tt.surname)
			}
		})
	}
}

func TestCanonicalPrefix(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"Van 't", "van 't", true},
		{"VAN DER", "van der", true},
		{"D’", "d'", true},
		{" de ", "de", true},
		{"vd", "vd", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := CanonicalPrefix(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CanonicalPrefix(%q) = (%q, %v), want (%q, %v)", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestPrefixTable checks that the table is written as the BRP writes it and that each entry is recognised.
func TestPrefixTable(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range surnamePrefixes {
		if p != strings.ToLower(p) || strings.TrimSpace(p) != p || strings.Contains(p, "  ") {
			t.Errorf("prefix %q is not lower case and single spaced", p)
		}
		if seen[p] {
			t.Errorf("prefix %q twice", p)
		}
		seen[p] = true
		if !IsSurnamePrefix(p) {
			t.Errorf("IsSurnamePrefix(%q) = false", p)
		}
		if got, _ := SplitSurname(p + " Jansen"); got != p && !strings.HasSuffix(p, "'") {
			t.Errorf("SplitSurname(%q) prefix = %q", p+" Jansen", got)
		}
	}
}

func TestDisplaySurname(t *testing.T) {
	base := Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurname: "Jansen"}
	withPrefixes := Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurnamePrefix: "van", PartnerSurname: "Dijk"}
	tests := []struct {
		name  string
		n     Name
		usage NameUsage
		want  string
	}{
		{"E", base, NameUsageOwn, "de Vries"},
		{"P", base, NameUsagePartner, "Jansen"},
		{"V", base, NameUsagePartnerOwn, "Jansen-de Vries"},
		{"N", base, NameUsageOwnPartner, "de Vries-Jansen"},
		{"unknown", base, NameUsageUnknownValue, "de Vries"},
		{"V with prefixes", withPrefixes, NameUsagePartnerOwn, "van Dijk-de Vries"},
		{"N with prefixes", withPrefixes, NameUsageOwnPartner, "de Vries-van Dijk"},
		{"P without partner", Name{Surname: "Jansen"}, NameUsagePartner, "Jansen"},
		{"apostrophe prefix", Name{SurnamePrefix: "d'", Surname: "Ancona"}, NameUsageOwn, "d'Ancona"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.n
			n.Usage = tt.usage
			if got := DisplaySurname(n); got != tt.want {
				t.Errorf("DisplaySurname = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNameFromUsed(t *testing.T) {
	tests := []struct {
		used   string
		usage  NameUsage
		want   Name
		wantOK bool
	}{
		{"Jansen-de Vries", NameUsagePartnerOwn,
			Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurname: "Jansen", Usage: "V"}, true},
		{"de Vries-Jansen", NameUsageOwnPartner,
			Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurname: "Jansen", Usage: "N"}, true},
		{"van Dijk - de Vries", NameUsagePartnerOwn,
			Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurnamePrefix: "van", PartnerSurname: "Dijk", Usage: "V"}, true},
		{"Jansen-Smit-de Vries", NameUsagePartnerOwn,
			Name{Surname: "Smit-de Vries", PartnerSurname: "Jansen", Usage: "V"}, true},
		{"Jansen", NameUsagePartner, Name{PartnerSurname: "Jansen", Usage: "P"}, true},
		{"van der Meijden", NameUsageOwn, Name{SurnamePrefix: "van der", Surname: "Meijden", Usage: "E"}, true},
		{"de Vries", NameUsagePartnerOwn, Name{SurnamePrefix: "de", Surname: "Vries", Usage: "V"}, false},
		{"Jansen-", NameUsageOwnPartner, Name{Surname: "Jansen-", Usage: "N"}, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.usage)+" "+tt.used, func(t *testing.T) {
			got, ok := NameFromUsed(tt.used, tt.usage)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("NameFromUsed = (%+v, %v), want (%+v, %v)", got, ok, tt.want, tt.wantOK)
			}
			if ok {
				if back := DisplaySurname(got); Fold(back) != Fold(strings.ReplaceAll(tt.used, " - ", "-")) {
					t.Errorf("DisplaySurname(NameFromUsed(%q)) = %q", tt.used, back)
				}
			}
		})
	}
}

func TestNameKeys(t *testing.T) {
	married := Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurname: "Jansen"}
	tests := []struct {
		name  string
		n     Name
		usage NameUsage
		want  []string
	}{
		{"no surname", Name{GivenNames: "Jan"}, "", nil},
		{"own only", Name{Surname: "Jansen"}, NameUsageOwn, []string{"jansen"}},
		{"prefix kept and dropped", Name{SurnamePrefix: "van der", Surname: "Meijden"}, NameUsageOwn,
			[]string{"vandermeyden", "meyden"}},
		{"prefix inside the surname field", Name{Surname: "Van der Meijden"}, NameUsageOwn,
			[]string{"vandermeyden", "meyden"}},
		{"ij and y are one", Name{Surname: "Meyer"}, "", []string{"meyer"}},
		{"diacritics", Name{Surname: "Çelik"}, "", []string{"celik"}},
		{"E with partner", married, NameUsageOwn,
			[]string{"devries", "jansen", "jansendevries", "devriesjansen", "vries"}},
		{"P", married, NameUsagePartner,
			[]string{"jansen", "devries", "jansendevries", "devriesjansen", "vries"}},
		{"V", married, NameUsagePartnerOwn,
			[]string{"jansendevries", "devries", "jansen", "devriesjansen", "vries"}},
		{"N", married, NameUsageOwnPartner,
			[]string{"devriesjansen", "devries", "jansen", "jansendevries", "vries"}},
		{"V used name in the surname field", Name{Surname: "Jansen-de Vries"}, NameUsagePartnerOwn,
			[]string{"jansendevries", "devries", "jansen", "devriesjansen", "vries"}},
		{"N partner with prefix", Name{Surname: "Bakker", PartnerSurnamePrefix: "van", PartnerSurname: "Dijk"},
			NameUsageOwnPartner, []string{"bakkervandyk", "bakker", "vandyk", "vandykbakker", "dyk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.n
			n.Usage = tt.usage
			got := NameKeys(n)
			if !slices.Equal(got, tt.want) {
				t.Errorf("NameKeys = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNameKeysMatchAcrossSources checks the purpose of the keys: the same person as two partners register her
// shares a key.
func TestNameKeysMatchAcrossSources(t *testing.T) {
	pairs := []struct{ a, b Name }{
		{Name{SurnamePrefix: "van der", Surname: "Meijden"}, Name{Surname: "VAN DER MEYDEN"}},
		{Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurname: "Jansen", Usage: "V"}, Name{Surname: "Jansen"}},
		{Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurname: "Jansen", Usage: "E"}, Name{Surname: "Jansen-de Vries", Usage: "V"}},
		{Name{SurnamePrefix: "in 't", Surname: "Veld"}, Name{Surname: "in’t Veld"}},
		{Name{Surname: "Ødegård"}, Name{Surname: "Odegard"}},
		{Name{Surname: "van der Meijden"}, Name{Surname: "Meijden"}},
	}
	for _, p := range pairs {
		ka, kb := NameKeys(p.a), NameKeys(p.b)
		if !slices.ContainsFunc(ka, func(k string) bool { return slices.Contains(kb, k) }) {
			t.Errorf("no shared key: %q and %q", ka, kb)
		}
	}
}

func TestGivenNames(t *testing.T) {
	tests := []struct {
		in       string
		names    []string
		initials string
	}{
		{"Jan Pieter", []string{"Jan", "Pieter"}, "JP"},
		{"  jan   pieter ", []string{"jan", "pieter"}, "JP"},
		{"Jan-Willem", []string{"Jan-Willem"}, "JW"},
		{"IJsbrand Johannes", []string{"IJsbrand", "Johannes"}, "IJJ"},
		{"Émile", []string{"Émile"}, "É"},
		{"", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := SplitGivenNames(tt.in); !slices.Equal(got, tt.names) {
				t.Errorf("SplitGivenNames = %q, want %q", got, tt.names)
			}
			if got := Initials(tt.in); got != tt.initials {
				t.Errorf("Initials = %q, want %q", got, tt.initials)
			}
		})
	}
	if got := NormalizeInitials("j. p."); got != "JP" {
		t.Errorf("NormalizeInitials = %q, want JP", got)
	}
}

// keyOf is the comparison a voorvoegsel split must preserve: the folded letters and digits.
func keyOf(s string) string { return string(appendKey(nil, s)) }

func FuzzSplitSurname(f *testing.F) {
	for _, s := range []string{"van der Meijden", "In 't Veld", "van't Hof", "d'Ancona", "De", "van der",
		"de Vries-Jansen", "’s Gravesande", " voor in t  Holt", "Jansen", "van\u00a0Dijk", "d´ X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, rest := SplitSurname(s)
		if p != "" {
			if !slices.Contains(surnamePrefixes, p) {
				t.Fatalf("prefix %q not in the table", p)
			}
			if rest == "" || !startsWithLetter(rest) {
				t.Fatalf("SplitSurname(%q) = (%q, %q): prefix without surname", s, p, rest)
			}
		}
		if got, want := keyOf(JoinSurname(p, rest)), keyOf(s); got != want {
			t.Fatalf("SplitSurname(%q) = (%q, %q): reassembled key %q, want %q", s, p, rest, got, want)
		}
		if got, want := Fold(JoinSurname(p, rest)), Fold(s); p == "" && got != want {
			t.Fatalf("SplitSurname(%q) without prefix changed the name: %q", s, rest)
		}
	})
}

func FuzzNameKeys(f *testing.F) {
	f.Add("de", "Vries", "", "Jansen", "V")
	f.Add("", "van der Meijden", "van", "Dijk", "N")
	f.Add("", "Jansen-de Vries", "", "", "V")
	f.Add("", "Çelik", "", "", "")
	f.Fuzz(func(t *testing.T, prefix, surname, partnerPrefix, partner, usage string) {
		n := Name{SurnamePrefix: prefix, Surname: surname, PartnerSurnamePrefix: partnerPrefix,
			PartnerSurname: partner, Usage: NameUsage(usage)}
		keys := NameKeys(n)
		if len(keys) > maxNameKeys {
			t.Fatalf("%d keys", len(keys))
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if k == "" || seen[k] {
				t.Fatalf("empty or repeated key in %q", keys)
			}
			seen[k] = true
			if keyOf(k) != k {
				t.Fatalf("key %q is not in key form", k)
			}
		}
		if own := keyOf(prefix + " " + surname); own != "" && n.Usage == NameUsageOwn && !seen[own] {
			t.Fatalf("own name key %q missing from %q", own, keys)
		}
		if used := keyOf(DisplaySurname(n)); used != "" && len(keys) > 0 && keys[0] != used &&
			(partner != "" || partnerPrefix != "") && keyOf(partnerPrefix+" "+partner) != "" && keyOf(prefix+" "+surname) != "" {
			t.Fatalf("first key %q, want the used name %q", keys[0], used)
		}
	})
}

var benchKeys []string

func BenchmarkNameKeys(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    Name
	}{
		{"own", Name{Surname: "Jansen"}},
		{"prefix", Name{SurnamePrefix: "van der", Surname: "Meijden"}},
		{"partner", Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurname: "Jansen", Usage: "V"}},
		{"diacritics", Name{Surname: "Çelik-Ødegård", PartnerSurnamePrefix: "van", PartnerSurname: "Dijk", Usage: "N"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchKeys = NameKeys(bc.n)
			}
		})
	}
}
