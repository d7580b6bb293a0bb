package match

import "testing"

func TestPhoneticEqual(t *testing.T) {
	groups := [][]string{
		{"meijden", "meyden", "mijden", "meiden"},
		{"meijer", "meyer", "mijer"},
		{"schouten", "scouten", "schauten"},
		{"christiaan", "kristiaan", "christiaan"},
		{"philips", "filips", "fillips"},
		{"smid", "smit", "smidt", "schmit"},
		{"zwart", "swart"},
		{"vos", "fos", "vosch"},
		{"maas", "mas", "maes"},
		{"bosch", "bos"},
		{"berg", "berch"},
		{"cornelis", "kornelis"},
		{"jacobs", "jakobs"},
		{"hendriks", "hendrikx", "hendricks"},
		{"huisman", "huijsman", "huysman"},
		{"thijs", "tijs", "thys"},
		{"willems", "wilems"},
		{"claessen", "klaasen", "claasen"},
		{"dijkstra", "dykstra"},
		{"pieter", "piter"},
		{"khaled", "chaled"},
	}
	for _, g := range groups {
		t.Run(g[0], func(t *testing.T) {
			want := Phonetic(g[0])
			if want == "" {
				t.Fatalf("Phonetic(%q) is empty", g[0])
			}
			for _, name := range g[1:] {
				if got := Phonetic(name); got != want {
					t.Errorf("Phonetic(%q) = %q, want %q as for %q", name, got, want, g[0])
				}
			}
		})
	}
}

func TestPhoneticDifferent(t *testing.T) {
	// Names that sound different must keep different keys, or blocking and the phonetic level lose their use.
	pairs := [][2]string{
		{"jansen", "janssens"},
		{"de jong", "de jonge"},
		{"mulder", "molder"},
		{"hoek", "hook"},
		{"bakker", "bekker"},
		{"meijer", "maier"},
		{"peters", "pieters"},
		{"berg", "berk"},
	}
	for _, p := range pairs {
		t.Run(p[0]+"/"+p[1], func(t *testing.T) {
			if a, b := Phonetic(p[0]), Phonetic(p[1]); a == b {
				t.Errorf("Phonetic(%q) = Phonetic(%q) = %q, want different keys", p[0], p[1], a)
			}
		})
	}
}

func TestPhoneticKeys(t *testing.T) {
	tests := []struct{ in, want string }{
		{"meijden", "mYden"},
		{"schouten", "sOten"},
		{"christiaan", "kristian"},
		{"smid", "smit"},
		{"zwart", "swart"},
		{"van der meijden", "fandermYden"},
		{"hoek", "hUk"},
		{"huijsman", "hIsman"},
		{"", ""},
		{"'t", "t"},
		{"MAAS", "mas"},
		{"łukasz", "ukas"}, // not folded: non-ASCII letters are ignored
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Phonetic(tt.in); got != tt.want {
				t.Errorf("Phonetic(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzPhonetic(f *testing.F) {
	f.Add("van der Meijden")
	f.Add("schschsch")
	f.Fuzz(func(t *testing.T, s string) {
		k := Phonetic(s)
		if len(k) > 2*len(s) {
			t.Fatalf("Phonetic(%q) = %q: longer than twice the input", s, k)
		}
		for i := 1; i < len(k); i++ {
			if k[i] == k[i-1] {
				t.Fatalf("Phonetic(%q) = %q: repeated code", s, k)
			}
		}
	})
}
