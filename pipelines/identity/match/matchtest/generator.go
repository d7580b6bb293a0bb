package matchtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// The name lists mix old and new Dutch names with those of the larger migrant groups, diacritics, prefixes and
// look-alike spellings (de Bruijn, de Bruin) included; earlier entries are drawn more often.
var (
	surnames = []string{
		"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
		"Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
		"Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs",
		"de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin",
		"van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas",
		"Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Peeters", "de Jonge",
		"Kuipers", "van Veen", "Post", "Kuiper", "Veenstra", "Kramer", "van den Brink", "Scholten", "van Wijk",
		"Postma", "Martens", "Vink", "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon",
		"Boer", "van der Velde", "Willemsen", "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen", "Schipper",
		"de Koning", "van der Laan", "Koning", "van der Velden", "Driessen", "van Doorn", "Hermans", "Evers",
		"van den Bosch", "van der Meulen", "Hofman", "Bosman", "Wolters", "Sanders", "van der Horst", "Mol",
		"Kuijpers", "Molenaar", "van de Pol", "de Leeuw", "Verbeek", "Yılmaz", "Kaya", "Demir", "Şahin",
		"Çelik", "Öztürk", "El Amrani", "Bouzid", "El Idrissi", "Benali", "Ait Ouali", "Pinas", "Kross",
		"Sno", "Nijman", "Ramdin", "Biharie", "Nguyen", "Müller", "Schmidt", "Kowalski", "Nowak", "Wiśniewski",
		"in 't Veld", "van 't Hof", "ter Horst", "ten Brink", "op den Akker", "d'Ancona", "van Rooij",
		"van Rooy", "Claessen", "Klaassen", "Philipsen", "Zwart", "Swart", "Verschuren", "Hoogendoorn",
		"Meijden", "van der Meijden", "Heijnen", "Huijbregts", "Thijssen", "Roosendaal", "Bruggeman",
	}
	maleNames = []string{
		"Jan", "Johannes", "Pieter", "Cornelis", "Hendrik", "Willem", "Gerrit", "Jacob", "Dirk", "Hendrikus",
		"Petrus", "Adrianus", "Antonius", "Kees", "Theo", "Daan", "Sem", "Lucas", "Levi", "Finn", "Thijs",
		"Bram", "Ruben", "Tim", "Lars", "Niels", "Jeroen", "Mark", "Dennis", "Sander", "Bas", "Martijn",
		"Mohamed", "Ahmed", "Mustafa", "Youssef", "Mehmet", "Emre", "Rachid", "Christiaan", "Philip",
		"Frank", "Erik", "Wouter", "Joost", "Maarten", "Arjen", "Rutger", "Stijn", "Jesse", "Milan", "Noah",
		"Jan-Willem", "Klaas", "Gijs", "IJsbrand", "Thomas", "Koen", "Ruud", "Henk", "Wim", "Ton", "Rob",
	}
	femaleNames = []string{
		"Maria", "Johanna", "Anna", "Cornelia", "Elisabeth", "Wilhelmina", "Hendrika", "Geertruida", "Petronella",
		"Emma", "Julia", "Sophie", "Tess", "Lotte", "Lisa", "Anouk", "Sanne", "Femke", "Marieke", "Inge",
		"Esther", "Linda", "Monique", "Sandra", "Ingrid", "Annemarie", "Fatima", "Khadija", "Ayşe", "Zeynep",
		"Noor", "Zoë", "Anaïs", "Chantal", "Priscilla", "Shanti", "Eva", "Fleur", "Isa", "Saar", "Mila",
		"Yvonne", "Ilse", "Marloes", "Karin", "Els", "Joke", "Ria", "Truus", "Mirjam", "Kim", "Naomi",
		"Anne-Marie", "Christina", "Josephine", "Margaretha", "Sara", "Nadia", "Samira", "Elif",
	}
	letters = "abcdefghijklmnopqrstuvwxyz"
)

// Entity is a true person of a generated population: the facts its records are corrupted copies of.
type Entity struct {
	ID                            int      // index in the order the generator drew it; the truth label
	GivenNames                    []string // in order, the first is the call name
	SurnamePrefix, Surname        string
	PartnerPrefix, PartnerSurname string // partner's surname, for some married women; empty otherwise
	Birth                         canonical.PartialDate
	Gender                        canonical.Gender
	BSN, SKN                      string // BSN always valid and unique; SKN empty for most
	Postcode                      string
	HouseNumber                   int
}

// Generator draws persons and records deterministically from a seed. It is not safe for concurrent use.
type Generator struct {
	r        *rand.Rand
	bsnSeen  map[string]bool
	entities []*Entity
}

// NewGenerator returns a generator whose every draw follows from seed.
func NewGenerator(seed uint64) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), bsnSeen: map[string]bool{}}
}

// Rand returns the generator's random source, for callers that draw further values (an index, a shuffle) in
// the same deterministic stream.
func (g *Generator) Rand() *rand.Rand { return g.r }

// Entities returns every person drawn so far, in drawing order; ID is the index. The slice is the generator's
// own: do not modify it.
func (g *Generator) Entities() []*Entity { return g.entities }

// Zipf picks an index in [0, n) with a flattened Zipf law, as name frequencies go.
func (g *Generator) Zipf(n int) int {
	// Inverse transform of weight 1/(i+1)^0.7, approximated by a power of a uniform draw.
	x := math.Pow(g.r.Float64(), 1.9)
	return min(int(x*float64(n)), n-1)
}

// Chance reports true with probability p.
func (g *Generator) Chance(p float64) bool { return g.r.Float64() < p }

// newBSN returns a fresh valid BSN.
func (g *Generator) newBSN() string {
	for {
		var d [9]int
		sum := 0
		for i := 0; i < 8; i++ {
			d[i] = g.r.IntN(10)
			sum += (9 - i) * d[i]
		}
		d[0] = 1 + d[0]%9
		sum = 0
		for i := 0; i < 8; i++ {
			sum += (9 - i) * d[i]
		}
		last := sum % 11
		if last == 10 {
			continue
		}
		d[8] = last
		var b strings.Builder
		for _, v := range d {
			b.WriteByte(byte('0' + v))
		}
		s := b.String()
		if g.bsnSeen[s] || !canonical.ValidBSN(s) {
			continue
		}
		g.bsnSeen[s] = true
		return s
	}
}

func (g *Generator) newAddress() (string, int) {
	pc := fmt.Sprintf("%04d%c%c", 1000+g.r.IntN(9000), 'A'+rune(g.r.IntN(26)), 'A'+rune(g.r.IntN(26)))
	if s := pc[4:]; s == "SA" || s == "SD" || s == "SS" {
		pc = pc[:4] + "AB"
	}
	return pc, 1 + g.Zipf(300)
}

func (g *Generator) newBirth(lo, hi int) canonical.PartialDate {
	y := lo + g.r.IntN(hi-lo+1)
	m := 1 + g.r.IntN(12)
	d := 1 + g.r.IntN(canonical.DaysIn(y, m))
	return canonical.PartialDate{Year: y, Month: m, Day: d}
}

func (g *Generator) givenNames(gender canonical.Gender) []string {
	list := maleNames
	if gender == canonical.GenderFemale {
		list = femaleNames
	}
	n := 1 + g.Zipf(3)
	names := make([]string, 0, n)
	for len(names) < n {
		names = append(names, list[g.Zipf(len(list))])
	}
	return names
}

// otherGivenNames draws given names whose first is not first: parents do not give two children one name.
func (g *Generator) otherGivenNames(gender canonical.Gender, first string) []string {
	for {
		if n := g.givenNames(gender); n[0] != first {
			return n
		}
	}
}

// NewEntity draws a person unrelated to those drawn before.
func (g *Generator) NewEntity() *Entity {
	e := &Entity{ID: len(g.entities)}
	e.Gender = canonical.GenderMale
	if g.Chance(0.5) {
		e.Gender = canonical.GenderFemale
	}
	e.GivenNames = g.givenNames(e.Gender)
	e.SurnamePrefix, e.Surname = canonical.SplitSurname(surnames[g.Zipf(len(surnames))])
	if e.Gender == canonical.GenderFemale && g.Chance(0.35) {
		e.PartnerPrefix, e.PartnerSurname = canonical.SplitSurname(surnames[g.Zipf(len(surnames))])
	}
	e.Birth = g.newBirth(1935, 2012)
	e.BSN = g.newBSN()
	if g.Chance(0.3) {
		e.SKN = fmt.Sprintf("%08d", g.r.IntN(100000000))
	}
	e.Postcode, e.HouseNumber = g.newAddress()
	g.entities = append(g.entities, e)
	return e
}

// relative draws a family member of e: a twin (same birth date), a sibling or a child named after the parent
// (same given names, a generation later), living at the same address. Relatives are the look-alikes that
// break conditional independence.
func (g *Generator) relative(e *Entity) *Entity {
	r := &Entity{ID: len(g.entities), SurnamePrefix: e.SurnamePrefix, Surname: e.Surname,
		Postcode: e.Postcode, HouseNumber: e.HouseNumber, BSN: g.newBSN()}
	r.Gender = canonical.GenderMale
	if g.Chance(0.5) {
		r.Gender = canonical.GenderFemale
	}
	switch k := g.r.IntN(10); {
	case k < 3: // twin
		r.Birth = e.Birth
		r.GivenNames = g.otherGivenNames(r.Gender, e.GivenNames[0])
	case k < 5 && e.Birth.Year < 1985: // child with the parent's given names
		r.Gender = e.Gender
		r.GivenNames = append([]string(nil), e.GivenNames...)
		r.Birth = g.newBirth(e.Birth.Year+22, e.Birth.Year+35)
	default: // sibling
		r.Birth = g.newBirth(e.Birth.Year-8, e.Birth.Year+8)
		r.GivenNames = g.otherGivenNames(r.Gender, e.GivenNames[0])
	}
	g.entities = append(g.entities, r)
	return r
}

// Population draws n persons, about one in eight of them a relative (twin, sibling or namesake child at the
// same address) of an earlier one: the look-alikes that make matching hard.
func (g *Generator) Population(n int) []*Entity {
	out := make([]*Entity, 0, n)
	for len(out) < n {
		if len(out) > 0 && g.Chance(0.12) {
			out = append(out, g.relative(out[g.r.IntN(len(out))]))
			continue
		}
		out = append(out, g.NewEntity())
	}
	return out
}

// Corruption sets the probability of each kind of error in a record; the zero value copies the person exactly.
type Corruption struct {
	SurnameTypo, GivenTypo     float64
	FirstOnly, InitialsOnly    float64
	Swap                       float64
	UsedName                   float64 // a married person recorded under the used name only
	PrefixInSurname            float64
	DropDiacritics             float64
	BirthMissing, BirthPartial float64
	BirthTypo, BirthSwap       float64
	BSNMissing, BSNTypo        float64
	BSNWrong                   float64 // the valid BSN of another person
	Moved, AddressMissing      float64
	GenderMissing              float64
	SKNMissing                 float64
}

// Light is the corruption of a well-kept register such as the BRP; Heavy that of a partner's hand-typed export.
var (
	Light = Corruption{
		SurnameTypo: 0.01, GivenTypo: 0.01, FirstOnly: 0.05, PrefixInSurname: 0.2,
		BirthMissing: 0.01, BirthPartial: 0.01, BSNMissing: 0.05, Moved: 0.02, AddressMissing: 0.05,
		GenderMissing: 0.02, SKNMissing: 0.5,
	}
	Heavy = Corruption{
		SurnameTypo: 0.12, GivenTypo: 0.12, FirstOnly: 0.25, InitialsOnly: 0.05, Swap: 0.02, UsedName: 0.5,
		PrefixInSurname: 0.4, DropDiacritics: 0.5, BirthMissing: 0.04, BirthPartial: 0.03, BirthTypo: 0.05,
		BirthSwap: 0.02, BSNMissing: 0.3, BSNTypo: 0.03, BSNWrong: 0.002, Moved: 0.2, AddressMissing: 0.15,
		GenderMissing: 0.1, SKNMissing: 0.5,
	}
)

// typo applies one random keyboard error: substitution, deletion, insertion or transposition.
func (g *Generator) typo(s string) string {
	r := []rune(s)
	if len(r) < 3 {
		return s
	}
	i := 1 + g.r.IntN(len(r)-1) // the first letter is usually right
	switch g.r.IntN(4) {
	case 0:
		r[i] = rune(letters[g.r.IntN(26)])
	case 1:
		r = append(r[:i], r[i+1:]...)
	case 2:
		r = append(r[:i], append([]rune{rune(letters[g.r.IntN(26)])}, r[i:]...)...)
	default:
		if i+1 < len(r) {
			r[i], r[i+1] = r[i+1], r[i]
		} else {
			r[i-1], r[i] = r[i], r[i-1]
		}
	}
	return string(r)
}

// plain drops diacritics as a system without Unicode does.
func plain(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(s) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		f := canonical.Fold(w)
		// keep the capital, as such systems do
		if w != "" && w[0] >= 'A' && w[0] <= 'Z' && f != "" {
			f = strings.ToUpper(f[:1]) + f[1:]
		}
		b.WriteString(f)
	}
	return b.String()
}

// Record draws one source record of e under corruption c, with a BSN only when withBSN is set. The record has
// no Provenance: the caller sets it.
func (g *Generator) Record(e *Entity, c Corruption, withBSN bool) canonical.Person {
	p := canonical.Person{Gender: e.Gender}
	given := strings.Join(e.GivenNames, " ")
	switch {
	case g.Chance(c.InitialsOnly):
		p.Name.Initials = canonical.Initials(given)
		given = ""
	case g.Chance(c.FirstOnly):
		given = e.GivenNames[0]
	}
	if given != "" && g.Chance(c.GivenTypo) {
		given = g.typo(given)
	}
	prefix, surname := e.SurnamePrefix, e.Surname
	if g.Chance(c.SurnameTypo) {
		surname = g.typo(surname)
	}
	if e.PartnerSurname != "" {
		if g.Chance(c.UsedName) {
			// Only the name as used survives: the partner's, or both joined.
			switch g.r.IntN(3) {
			case 0:
				prefix, surname = e.PartnerPrefix, e.PartnerSurname
			case 1:
				prefix, surname = "", canonical.JoinSurname(e.PartnerPrefix, e.PartnerSurname)+"-"+canonical.JoinSurname(prefix, surname)
			default:
				p.Name.Usage = canonical.NameUsagePartner
				p.Name.PartnerSurnamePrefix, p.Name.PartnerSurname = e.PartnerPrefix, e.PartnerSurname
			}
		} else if g.Chance(0.5) {
			p.Name.PartnerSurnamePrefix, p.Name.PartnerSurname = e.PartnerPrefix, e.PartnerSurname
			p.Name.Usage = []canonical.NameUsage{"E", "P", "V", "N"}[g.r.IntN(4)]
		}
	}
	if prefix != "" && g.Chance(c.PrefixInSurname) {
		prefix, surname = "", canonical.JoinSurname(prefix, surname)
	}
	if g.Chance(c.DropDiacritics) {
		given, surname = plain(given), plain(surname)
	}
	if given != "" && g.Chance(c.Swap) {
		given, surname, prefix = canonical.JoinSurname(prefix, surname), strings.Fields(given + " x")[0], ""
	}
	p.Name.GivenNames, p.Name.SurnamePrefix, p.Name.Surname = given, prefix, surname

	if !g.Chance(c.BirthMissing) {
		b := e.Birth
		switch {
		case g.Chance(c.BirthPartial):
			b.Day = 0
			if g.Chance(0.6) {
				b.Month = 0
			}
		case g.Chance(c.BirthSwap) && b.Day <= 12:
			b.Month, b.Day = b.Day, b.Month
		case g.Chance(c.BirthTypo):
			b = g.dateTypo(b)
		}
		p.BirthDate = &b
	}

	if withBSN && !g.Chance(c.BSNMissing) {
		v := e.BSN
		switch {
		case g.Chance(c.BSNWrong) && len(g.entities) > 1:
			v = g.entities[g.r.IntN(len(g.entities))].BSN
		case g.Chance(c.BSNTypo):
			b := []byte(v)
			i := g.r.IntN(9)
			b[i] = '0' + (b[i]-'0'+1+byte(g.r.IntN(9)))%10
			v = string(b)
		}
		id, _ := canonical.BSNIdentifier(v, "bsn")
		p.Identifiers = append(p.Identifiers, id)
	}
	if e.SKN != "" && !g.Chance(c.SKNMissing) {
		p.Identifiers = append(p.Identifiers, canonical.Identifier{Scheme: canonical.SchemeSKN, Value: e.SKN})
	}
	if !g.Chance(c.AddressMissing) {
		pc, hn := e.Postcode, e.HouseNumber
		if g.Chance(c.Moved) {
			pc, hn = g.newAddress()
		}
		p.Addresses = []canonical.Address{{Postcode: pc, HouseNumber: hn}}
	}
	if g.Chance(c.GenderMissing) {
		p.Gender = ""
	}
	return p
}

// dateTypo changes one digit of a complete date, keeping it a valid date.
func (g *Generator) dateTypo(d canonical.PartialDate) canonical.PartialDate {
	for range 20 {
		x := d
		switch g.r.IntN(3) {
		case 0:
			x.Year += []int{-1, 1, -10, 10}[g.r.IntN(4)]
		case 1:
			x.Month = (d.Month/10)*10 + g.r.IntN(10)
		default:
			x.Day = (d.Day/10)*10 + g.r.IntN(10)
		}
		if x != d && x.Month >= 1 && x.Month <= 12 && x.Day >= 1 && x.Day <= canonical.DaysIn(x.Year, x.Month) {
			return x
		}
	}
	return d
}
