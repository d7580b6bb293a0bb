package match

// Codes of the phonetic key for Dutch vowel sounds with several spellings. Consonants are written as the lower
// case letter of their class.
const (
	phEi = 'Y' // ei, ij, ey, y: Meijer, Meyer, Mijer
	phOu = 'O' // ou, au: Schouten, Schauten
	phOe = 'U' // oe: Hoek
	phUi = 'I' // ui, uij, uy: Huijsman, Huisman
)

// maxPhoneticInput is the longest name whose letters are keyed without allocating; longer names are truncated.
const maxPhoneticInput = 64

// Phonetic returns the Dutch phonetic key of a name, for comparing and blocking names that sound alike but are
// spelt differently. The name should be folded (see canonical.Fold); letters other than a-z are ignored and
// separate words. Spellings of one sound share a code:
//
//	ij, ei, eij, ey, y → one code   Meijden, Meyden, Mijden
//	sch, sc → s                  Schouten, Scouten, Bosch, Bos
//	ch, g, gh, kh → g            Berch, Berg
//	chr, chl at a word's start → k  Christiaan, Kristiaan
//	c → s before e, i, y, else k; ck → k   Cornelis, Kornelis
//	ph → f, th → t, qu → kw, x → ks
//	z → s, v → f                 Zwart, Swart; Vos, Fos
//	dt → t, final d → t          Smid, Smidt, Smit
//	ae → a; ie → i; ou, au; oe; ui, uij, uy
//	h only at a word's start; doubled letters collapse   Maas, Mas; Willems, Wilems
//
// The key is opaque: only whether two keys are equal means something.
func Phonetic(name string) string {
	var buf [maxPhoneticInput]byte
	return string(AppendPhonetic(buf[:0], name))
}

// AppendPhonetic appends the phonetic key of name (see Phonetic) to dst.
func AppendPhonetic(dst []byte, name string) []byte {
	start := len(dst)
	var word [maxPhoneticInput]byte
	n := 0
	flush := func() {
		if n > 0 {
			dst = phoneticWord(dst, start, word[:n])
			n = 0
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c < 'a' || c > 'z' {
			flush()
			continue
		}
		if n < len(word) {
			word[n] = c
			n++
		}
	}
	flush()
	return dst
}

// phoneticWord appends the codes of one word w (lower case a-z) to dst, collapsing a code equal to the one before
// it; start is where the key begins in dst.
func phoneticWord(dst []byte, start int, w []byte) []byte {
	emit := func(c byte) {
		if len(dst) > start && dst[len(dst)-1] == c {
			return
		}
		dst = append(dst, c)
	}
	at := func(i int) byte {
		if i < len(w) {
			return w[i]
		}
		return 0
	}
	for i := 0; i < len(w); {
		c, n1, n2 := w[i], at(i+1), at(i+2)
		switch c {
		case 's':
			switch {
			case n1 == 'c' && n2 == 'h':
				emit('s')
				i += 3
			case n1 == 'c' || n1 == 'h':
				emit('s')
				i += 2
			default:
				emit('s')
				i++
			}
		case 'c':
			switch {
			case n1 == 'h' && i == 0 && (n2 == 'r' || n2 == 'l'):
				emit('k')
				i += 2
			case n1 == 'h':
				emit('g')
				i += 2
			case n1 == 'k':
				emit('k')
				i += 2
			case n1 == 'e' || n1 == 'i' || n1 == 'y':
				emit('s')
				i++
			default:
				emit('k')
				i++
			}
		case 'k':
			if n1 == 'h' {
				emit('g')
				i += 2
			} else {
				emit('k')
				i++
			}
		case 'g':
			emit('g')
			i++
			if n1 == 'h' {
				i++
			}
		case 'p':
			if n1 == 'h' {
				emit('f')
				i += 2
			} else {
				emit('p')
				i++
			}
		case 't':
			emit('t')
			i++
			if n1 == 'h' {
				i++
			}
		case 'd':
			switch {
			case n1 == 't':
				emit('t')
				i += 2
			case n1 == 0:
				emit('t')
				i++
			default:
				emit('d')
				i++
			}
		case 'q':
			emit('k')
			i++
			if n1 == 'u' {
				emit('w')
				i++
			}
		case 'x':
			emit('k')
			emit('s')
			i++
		case 'z':
			emit('s')
			i++
		case 'v':
			emit('f')
			i++
		case 'h':
			if i == 0 {
				emit('h')
			}
			i++
		case 'y':
			emit(phEi)
			i++
		case 'i':
			switch n1 {
			case 'j':
				emit(phEi)
				i += 2
			case 'e':
				emit('i')
				i += 2
			default:
				emit('i')
				i++
			}
		case 'e':
			switch {
			case n1 == 'i' && n2 == 'j':
				emit(phEi)
				i += 3
			case n1 == 'i' || n1 == 'y':
				emit(phEi)
				i += 2
			default:
				emit('e')
				i++
			}
		case 'a':
			switch n1 {
			case 'u':
				emit(phOu)
				i += 2
			case 'e':
				emit('a')
				i += 2
			default:
				emit('a')
				i++
			}
		case 'o':
			switch n1 {
			case 'u':
				emit(phOu)
				i += 2
			case 'e':
				emit(phOe)
				i += 2
			default:
				emit('o')
				i++
			}
		case 'u':
			switch {
			case n1 == 'i' && n2 == 'j':
				emit(phUi)
				i += 3
			case n1 == 'i' || n1 == 'y':
				emit(phUi)
				i += 2
			default:
				emit('u')
				i++
			}
		default:
			emit(c)
			i++
		}
	}
	return dst
}
