package identity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// This file holds a small deterministic generator of Dutch-looking persons and corrupted records of them, for
// the quality tests of this package only.

var (
	genSurnames = []string{
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
	genMale = []string{
		"Jan", "Johannes", "Pieter", "Cornelis", "Hendrik", "Willem", "Gerrit", "Jacob", "Dirk", "Hendrikus",
		"Petrus", "Adrianus", "Antonius", "Kees", "Theo", "Daan", "Sem", "Lucas", "Levi", "Finn", "Thijs",
		"Bram", "Ruben", "Tim", "Lars", "Niels", "Jeroen", "Mark", "Dennis", "Sander", "Bas", "Martijn",
		"Mohamed", "Ahmed", "Mustafa", "Youssef", "Mehmet", "Emre", "Rachid", "Christiaan", "Philip",
		"Frank", "Erik", "Wouter", "Joost", "Maarten", "Arjen", "Rutger", "Stijn", "Jesse", "Milan", "Noah",
		"Jan-Willem", "Klaas", "Gijs", "IJsbrand", "Thomas", "Koen", "Ruud", "Henk", "Wim", "Ton", "Rob",
	}
	genFemale = []string{
		"Maria", "Johanna", "Anna", "Cornelia", "Elisabeth", "Wilhelmina", "Hendrika", "Geertruida", "Petronella",
		"Emma", "Julia", "Sophie", "Tess", "Lotte", "Lisa", "Anouk", "Sanne", "Femke", "Marieke", "Inge",
		"Esther", "Linda", "Monique", "Sandra", "Ingrid", "Annemarie", "Fatima", "Khadija", "Ayşe", "Zeynep",
		"Noor", "Zoë", "Anaïs", "Chantal", "Priscilla", "Shanti", "Eva", "Fleur", "Isa", "Saar", "Mila",
		"Yvonne", "Ilse", "Marloes", "Karin", "Els", "Joke", "Ria", "Truus", "Mirjam", "Kim", "Naomi",
		"Anne-Marie", "Christina", "Josephine", "Margaretha", "Sara", "Nadia", "Samira", "Elif",
	}
	genLetters = "abcdefghijklmnopqrstuvwxyz"
)

// genEntity is a true person of the generated population.
type genEntity struct {
	id                int
	given             []string
	prefix, surname   string
	pPrefix, pSurname string // partner's surname, for married persons
	birth             canonical.PartialDate
	gender            canonical.Gender
	bsn, skn          string
	postcode          string
	houseNumber       int
}

// generator draws persons and records deterministically from a seed.
type generator struct {
	r        *rand.Rand
	bsnSeen  map[string]bool
	entities []*genEntity
}

func newGenerator(seed uint64) *generator {
	return &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), bsnSeen: map[string]bool{}}
}

// zipf picks an index in [0, n) with a flattened Zipf law, as name frequencies go.
func (g *generator) zipf(n int) int {
	// Inverse transform of weight 1/(i+1)^0.7, approximated by a power of a uniform draw.
	x := math.Pow(g.r.Float64(), 1.9)
	return min(int(x*float64(n)), n-1)
}

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

// newBSN returns a fresh valid BSN.
func (g *generator) newBSN() string {
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

func (g *generator) newAddress() (string, int) {
	pc := fmt.Sprintf("%04d%c%c", 1000+g.r.IntN(9000), 'A'+rune(g.r.IntN(26)), 'A'+rune(g.r.IntN(26)))
	if s := pc[4:]; s == "SA" || s == "SD" || s == "SS" {
		pc = pc[:4] + "AB"
	}
	return pc, 1 + g.zipf(300)
}

func (g *generator) newBirth(lo, hi int) canonical.PartialDate {
	y := lo + g.r.IntN(hi-lo+1)
	m := 1 + g.r.IntN(12)
	d := 1 + g.r.IntN(daysInMonth(y, m))
	return canonical.PartialDate{Year: y, Month: m, Day: d}
}

func daysInMonth(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func (g *generator) givenNames(gender canonical.Gender) []string {
	list := genMale
	if gender == canonical.GenderFemale {
		list = genFemale
	}
	n := 1 + g.zipf(3)
	names := make([]string, 0, n)
	for len(names) < n {
		names = append(names, list[g.zipf(len(list))])
	}
	return names
}

// otherGivenNames draws given names whose first is not first: parents do not give two children one name.
func (g *generator) otherGivenNames(gender canonical.Gender, first string) []string {
	for {
		if n := g.givenNames(gender); n[0] != first {
			return n
		}
	}
}

// newEntity draws an unrelated person.
func (g *generator) newEntity() *genEntity {
	e := &genEntity{id: len(g.entities)}
	e.gender = canonical.GenderMale
	if g.chance(0.5) {
		e.gender = canonical.GenderFemale
	}
	e.given = g.givenNames(e.gender)
	e.prefix, e.surname = canonical.SplitSurname(genSurnames[g.zipf(len(genSurnames))])
	if e.gender == canonical.GenderFemale && g.chance(0.35) {
		e.pPrefix, e.pSurname = canonical.SplitSurname(genSurnames[g.zipf(len(genSurnames))])
	}
	e.birth = g.newBirth(1935, 2012)
	e.bsn = g.newBSN()
	if g.chance(0.3) {
		e.skn = fmt.Sprintf("%08d", g.r.IntN(100000000))
	}
	e.postcode, e.houseNumber = g.newAddress()
	g.entities = append(g.entities, e)
	return e
}

// relative draws a family member of e: a twin (same birth date), a sibling or a child named after the parent
// (same given names, a generation later), living at the same address. Relatives are the look-alikes that
// break conditional independence.
func (g *generator) relative(e *genEntity) *genEntity {
	r := &genEntity{id: len(g.entities), prefix: e.prefix, surname: e.surname, postcode: e.postcode,
		houseNumber: e.houseNumber, bsn: g.newBSN()}
	r.gender = canonical.GenderMale
	if g.chance(0.5) {
		r.gender = canonical.GenderFemale
	}
	switch k := g.r.IntN(10); {
	case k < 3: // twin
		r.birth = e.birth
		r.given = g.otherGivenNames(r.gender, e.given[0])
	case k < 5 && e.birth.Year < 1985: // child with the parent's given names
		r.gender = e.gender
		r.given = append([]string(nil), e.given...)
		r.birth = g.newBirth(e.birth.Year+22, e.birth.Year+35)
	default: // sibling
		r.birth = g.newBirth(e.birth.Year-8, e.birth.Year+8)
		r.given = g.otherGivenNames(r.gender, e.given[0])
	}
	g.entities = append(g.entities, r)
	return r
}

// population draws n persons, a share of them relatives of earlier ones.
func (g *generator) population(n int) []*genEntity {
	out := make([]*genEntity, 0, n)
	for len(out) < n {
		if len(out) > 0 && g.chance(0.12) {
			out = append(out, g.relative(out[g.r.IntN(len(out))]))
			continue
		}
		out = append(out, g.newEntity())
	}
	return out
}

// corruption sets how often each kind of error occurs in a record.
type corruption struct {
	surnameTypo, givenTypo     float64
	firstOnly, initialsOnly    float64
	swap                       float64
	usedName                   float64 // a married person recorded under the used name only
	prefixInSurname            float64
	dropDiacritics             float64
	birthMissing, birthPartial float64
	birthTypo, birthSwap       float64
	bsnMissing, bsnTypo        float64
	bsnWrong                   float64 // the valid BSN of another person
	moved, addressMissing      float64
	genderMissing              float64
	sknMissing                 float64
}

// light is the corruption of a well-kept register; heavy that of a partner's hand-typed export.
var (
	light = corruption{
		surnameTypo: 0.01, givenTypo: 0.01, firstOnly: 0.05, prefixInSurname: 0.2,
		birthMissing: 0.01, birthPartial: 0.01, bsnMissing: 0.05, moved: 0.02, addressMissing: 0.05,
		genderMissing: 0.02, sknMissing: 0.5,
	}
	heavy = corruption{
		surnameTypo: 0.12, givenTypo: 0.12, firstOnly: 0.25, initialsOnly: 0.05, swap: 0.02, usedName: 0.5,
		prefixInSurname: 0.4, dropDiacritics: 0.5, birthMissing: 0.04, birthPartial: 0.03, birthTypo: 0.05,
		birthSwap: 0.02, bsnMissing: 0.3, bsnTypo: 0.03, bsnWrong: 0.002, moved: 0.2, addressMissing: 0.15,
		genderMissing: 0.1, sknMissing: 0.5,
	}
)

// typo applies one random keyboard error: substitution, deletion, insertion or transposition.
func (g *generator) typo(s string) string {
	r := []rune(s)
	if len(r) < 3 {
		return s
	}
	i := 1 + g.r.IntN(len(r)-1) // the first letter is usually right
	switch g.r.IntN(4) {
	case 0:
		r[i] = rune(genLetters[g.r.IntN(26)])
	case 1:
		r = append(r[:i], r[i+1:]...)
	case 2:
		r = append(r[:i], append([]rune{rune(genLetters[g.r.IntN(26)])}, r[i:]...)...)
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

// record draws one source record of e under corruption c.
func (g *generator) record(e *genEntity, c corruption, withBSN bool) canonical.Person {
	p := canonical.Person{Gender: e.gender}
	given := strings.Join(e.given, " ")
	switch {
	case g.chance(c.initialsOnly):
		p.Name.Initials = canonical.Initials(given)
		given = ""
	case g.chance(c.firstOnly):
		given = e.given[0]
	}
	if given != "" && g.chance(c.givenTypo) {
		given = g.typo(given)
	}
	prefix, surname := e.prefix, e.surname
	if g.chance(c.surnameTypo) {
		surname = g.typo(surname)
	}
	if e.pSurname != "" {
		if g.chance(c.usedName) {
			// Only the name as used survives: the partner's, or both joined.
			switch g.r.IntN(3) {
			case 0:
				prefix, surname = e.pPrefix, e.pSurname
			case 1:
				prefix, surname = "", canonical.JoinSurname(e.pPrefix, e.pSurname)+"-"+canonical.JoinSurname(prefix, surname)
			default:
				p.Name.Usage = canonical.NameUsagePartner
				p.Name.PartnerSurnamePrefix, p.Name.PartnerSurname = e.pPrefix, e.pSurname
			}
		} else if g.chance(0.5) {
			p.Name.PartnerSurnamePrefix, p.Name.PartnerSurname = e.pPrefix, e.pSurname
			p.Name.Usage = []canonical.NameUsage{"E", "P", "V", "N"}[g.r.IntN(4)]
		}
	}
	if prefix != "" && g.chance(c.prefixInSurname) {
		prefix, surname = "", canonical.JoinSurname(prefix, surname)
	}
	if g.chance(c.dropDiacritics) {
		given, surname = plain(given), plain(surname)
	}
	if given != "" && g.chance(c.swap) {
		given, surname, prefix = canonical.JoinSurname(prefix, surname), strings.Fields(given + " x")[0], ""
	}
	p.Name.GivenNames, p.Name.SurnamePrefix, p.Name.Surname = given, prefix, surname

	if !g.chance(c.birthMissing) {
		b := e.birth
		switch {
		case g.chance(c.birthPartial):
			b.Day = 0
			if g.chance(0.6) {
				b.Month = 0
			}
		case g.chance(c.birthSwap) && b.Day <= 12:
			b.Month, b.Day = b.Day, b.Month
		case g.chance(c.birthTypo):
			b = g.dateTypo(b)
		}
		p.BirthDate = &b
	}

	if withBSN && !g.chance(c.bsnMissing) {
		v := e.bsn
		switch {
		case g.chance(c.bsnWrong) && len(g.entities) > 1:
			v = g.entities[g.r.IntN(len(g.entities))].bsn
		case g.chance(c.bsnTypo):
			b := []byte(v)
			i := g.r.IntN(9)
			b[i] = '0' + (b[i]-'0'+1+byte(g.r.IntN(9)))%10
			v = string(b)
		}
		id, _ := canonical.BSNIdentifier(v, "bsn")
		p.Identifiers = append(p.Identifiers, id)
	}
	if e.skn != "" && !g.chance(c.sknMissing) {
		p.Identifiers = append(p.Identifiers, canonical.Identifier{Scheme: canonical.SchemeSKN, Value: e.skn})
	}
	if !g.chance(c.addressMissing) {
		pc, hn := e.postcode, e.houseNumber
		if g.chance(c.moved) {
			pc, hn = g.newAddress()
		}
		p.Addresses = []canonical.Address{{Postcode: pc, HouseNumber: hn}}
	}
	if g.chance(c.genderMissing) {
		p.Gender = ""
	}
	return p
}

// dateTypo changes one digit of a complete date, keeping it a valid date.
func (g *generator) dateTypo(d canonical.PartialDate) canonical.PartialDate {
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
		if x != d && x.Month >= 1 && x.Month <= 12 && x.Day >= 1 && x.Day <= daysInMonth(x.Year, x.Month) {
			return x
		}
	}
	return d
}
