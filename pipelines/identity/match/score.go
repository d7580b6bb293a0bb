package match

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// MU is the pair of Fellegi-Sunter probabilities of one comparison level: M, that a pair of records of one
// person is at this level, and U, that a pair of records of two different persons is.
type MU struct {
	M float64 `yaml:"m" json:"m"`
	U float64 `yaml:"u" json:"u"`
}

// Weight returns the match weight log2(M/U) of the level.
func (p MU) Weight() float64 { return math.Log2(p.M / p.U) }

// Weights are the m and u probabilities of every level of every attribute, and the prior. Levels is keyed by
// attribute name, then level name ("surname" → "exact"), as Attribute.String and Attribute.Levels write them;
// the "missing" level has none. Levels left out take the defaults, so a configuration may change one level only.
type Weights struct {
	// Lambda is the probability that two records drawn at random are of one person. It turns a score into a
	// probability (see Probability); decisions do not use it.
	Lambda float64 `yaml:"lambda" json:"lambda"`
	// Levels holds the m and u probabilities per attribute and level.
	Levels map[string]map[string]MU `yaml:"levels" json:"levels"`
}

// Thresholds are the two score thresholds, declared in configuration before any data is seen. A score (the sum
// of the match weights, in bits) at or above Match links; at or above Possible goes to review.
//
// A score is a Bayes factor; what a threshold stands for is the posterior it gives with the prior odds that a
// blocked candidate pair is of one person, and those odds fall as the index grows (a block of a common name and
// birth year holds ten times the records in an index ten times larger; the true match among them stays one). The
// thresholds therefore hold as given up to ReferenceRecords records in the index, and rise by
// log2(records / ReferenceRecords) bits beyond it, so that a MATCH means the same posterior at any size.
type Thresholds struct {
	Match    float64 `yaml:"match" json:"match"`
	Possible float64 `yaml:"possible" json:"possible"`
	// ReferenceRecords is the index size up to which Match and Possible hold as given; 0 takes
	// DefaultReferenceRecords.
	ReferenceRecords int64 `yaml:"referenceRecords" json:"referenceRecords"`
}

// Shift returns the bits the thresholds rise by for an index of n records.
func (t Thresholds) Shift(n int64) float64 {
	if t.ReferenceRecords <= 0 || n <= t.ReferenceRecords {
		return 0
	}
	return math.Log2(float64(n) / float64(t.ReferenceRecords))
}

// at returns the thresholds for an index of n records.
func (t Thresholds) at(n int64) Thresholds {
	s := t.Shift(n)
	t.Match += s
	t.Possible += s
	return t
}

// TermFrequency bounds the frequency shifts (see Frequencies) that adjust exact agreements on names: a shift
// estimated from few records, or of a name shared within families, is not to be trusted without bound.
type TermFrequency struct {
	// Disabled applies no shift: every exact agreement weighs its level's weight.
	Disabled bool `yaml:"disabled" json:"disabled"`
	// MaxBoost is the most bits a rare name adds to its level's weight; 0 takes DefaultMaxBoost.
	MaxBoost float64 `yaml:"maxBoost" json:"maxBoost"`
	// MaxPenalty is the most bits a common name takes from its level's weight; 0 takes DefaultMaxPenalty.
	MaxPenalty float64 `yaml:"maxPenalty" json:"maxPenalty"`
}

// Config is the matching configuration: weights, term-frequency bounds and thresholds.
type Config struct {
	Weights       Weights       `yaml:"weights" json:"weights"`
	TermFrequency TermFrequency `yaml:"termFrequency" json:"termFrequency"`
	Thresholds    Thresholds    `yaml:"thresholds" json:"thresholds"`
}

// Default thresholds. A score of 20 bits is a likelihood ratio of about one million: with the one-in-a-thousand
// prior of a blocked candidate pair, a posterior of 0.999. Below 15 bits a pair is not worth a reviewer's time:
// names and birth years are not independent (namesakes of one year, relatives), so the scores of pairs without a
// shared identifier overstate their evidence. On a million generated records, under a possible threshold of 10
// bits, one review item in 160 of those scoring under 18 bits (15 above the thresholds' shift at that size) was
// of one person, one in 10 of those from 18 bits up; the queue held 82,000 of the former.
const (
	DefaultMatchThreshold    = 20
	DefaultPossibleThreshold = 15
	// DefaultReferenceRecords is the index size the default thresholds hold for (see Thresholds).
	DefaultReferenceRecords = 100_000
)

// DefaultLambda is the default prior that two random records are of one person.
const DefaultLambda = 1e-4

// Default term-frequency bounds, in bits. A common name takes up to four bits: its count is large, so its
// frequency is well estimated, and namesakes met by chance are as common as the name. A rare name adds at most one
// bit: relatives (a child named after a parent, siblings, spouses under one name) share names whatever their
// frequency, so an agreement on a rare name proves the family rather than the person, and the frequency of a name
// seen a few times rests on those few.
const (
	DefaultMaxBoost   = 1
	DefaultMaxPenalty = 4
)

// defaultLevels are the default m/u probabilities. They reflect Dutch register data: surnames and first names
// agreeing by chance as often as the frequency of common names makes them (de Jong, Jansen: about 0.25 % of
// random pairs agree on the surname), a birth date shared by chance by one pair in 25,000 and, counted over
// random dates of 1935–2012, one typing error apart by one pair in 900; a partial date (about one record in fifty)
// agreeing with the other's month by chance for one pair in 1,000, with its year for one in 78 — so the u of those
// levels is the share of pairs with a partial date times that chance —; a BSN shared by chance only through error,
// and people moving house.
var defaultLevels = [NumAttributes][]MU{
	AttrSurname: {
		SurnameExact:     {M: 0.86, U: 0.0025},
		SurnameNameUsage: {M: 0.03, U: 0.00005},
		SurnameSwapped:   {M: 0.004, U: 0.000005},
		SurnameJW92:      {M: 0.05, U: 0.0008},
		SurnamePhonetic:  {M: 0.012, U: 0.0015},
		SurnameJW80:      {M: 0.02, U: 0.02},
		SurnameElse:      {M: 0.024, U: 0.975},
	},
	AttrGivenNames: {
		GivenExactSeveral: {M: 0.12, U: 0.00002},
		GivenExact:        {M: 0.60, U: 0.002},
		GivenFirstExact:   {M: 0.16, U: 0.006},
		GivenJW92:         {M: 0.04, U: 0.002},
		GivenNameInCommon: {M: 0.02, U: 0.002},
		GivenJW80:         {M: 0.025, U: 0.03},
		GivenInitials:     {M: 0.02, U: 0.003},
		GivenFirstLetter:  {M: 0.003, U: 0.05},
		GivenElse:         {M: 0.012, U: 0.905},
	},
	AttrBirthDate: {
		BirthExact:           {M: 0.90, U: 0.00004},
		BirthOneEdit:         {M: 0.04, U: 0.0011},
		BirthDayMonthSwapped: {M: 0.01, U: 0.00003},
		BirthWithinRange:     {M: 0.01, U: 0.00003},
		BirthSameYear:        {M: 0.02, U: 0.0005},
		BirthElse:            {M: 0.02, U: 0.99829},
	},
	AttrBSN: {
		IDEqual:     {M: 0.99, U: 1e-7},
		IDDifferent: {M: 0.01, U: 1},
	},
	AttrSKN: {
		IDEqual:     {M: 0.98, U: 1e-6},
		IDDifferent: {M: 0.02, U: 1},
	},
	AttrAddress: {
		AddressExact:    {M: 0.65, U: 0.0002},
		AddressPostcode: {M: 0.05, U: 0.001},
		AddressElse:     {M: 0.30, U: 0.9988},
	},
	AttrGender: {
		GenderEqual:     {M: 0.97, U: 0.5},
		GenderDifferent: {M: 0.03, U: 0.5},
	},
	// A partner's own number is one per person in its system, but a person registered twice there has two, and
	// numbers are mistyped: different weighs little. Two persons share one only by error; a typing error apart
	// from a random other number of seven digits or more one pair in a hundred thousand, two typing errors apart
	// one pair in five thousand. A number mistyped twice is taken as a quarter as common as one mistyped once:
	// errors come together in a carelessly keyed record.
	AttrOtherID: {
		OtherIDEqual:     {M: 0.775, U: 1e-6},
		OtherIDOneEdit:   {M: 0.02, U: 1e-5},
		OtherIDTwoEdits:  {M: 0.005, U: 2e-4},
		OtherIDDifferent: {M: 0.2, U: 1},
	},
}

// DefaultWeights returns the default weights.
func DefaultWeights() Weights {
	w := Weights{Lambda: DefaultLambda}
	w.setDefaults()
	return w
}

// DefaultConfig returns the default configuration.
func DefaultConfig() Config {
	c := Config{}
	c.SetDefaults()
	return c
}

// SetDefaults fills in what the configuration leaves out.
func (c *Config) SetDefaults() {
	c.Weights.setDefaults()
	if c.TermFrequency.MaxBoost == 0 {
		c.TermFrequency.MaxBoost = DefaultMaxBoost
	}
	if c.TermFrequency.MaxPenalty == 0 {
		c.TermFrequency.MaxPenalty = DefaultMaxPenalty
	}
	if c.Thresholds.Match == 0 && c.Thresholds.Possible == 0 {
		c.Thresholds.Match, c.Thresholds.Possible = DefaultMatchThreshold, DefaultPossibleThreshold
	}
	if c.Thresholds.ReferenceRecords == 0 {
		c.Thresholds.ReferenceRecords = DefaultReferenceRecords
	}
}

// setDefaults fills in the prior and every level left out.
func (w *Weights) setDefaults() {
	if w.Lambda == 0 {
		w.Lambda = DefaultLambda
	}
	if w.Levels == nil {
		w.Levels = make(map[string]map[string]MU, NumAttributes)
	}
	for a := Attribute(0); a < NumAttributes; a++ {
		levels := w.Levels[a.String()]
		if levels == nil {
			levels = make(map[string]MU, len(defaultLevels[a]))
			w.Levels[a.String()] = levels
		}
		for l := Level(1); int(l) < len(defaultLevels[a]); l++ {
			if _, ok := levels[a.LevelName(l)]; !ok {
				levels[a.LevelName(l)] = defaultLevels[a][l]
			}
		}
	}
}

// Validate checks the configuration and reports all problems at once, each naming its key.
func (c *Config) Validate() error {
	var errs []error
	if err := c.Weights.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.TermFrequency.MaxBoost < 0 {
		errs = append(errs, fmt.Errorf("termFrequency.maxBoost: %g is negative", c.TermFrequency.MaxBoost))
	}
	if c.TermFrequency.MaxPenalty < 0 {
		errs = append(errs, fmt.Errorf("termFrequency.maxPenalty: %g is negative", c.TermFrequency.MaxPenalty))
	}
	if c.Thresholds.Match <= c.Thresholds.Possible {
		errs = append(errs, fmt.Errorf("thresholds.match (%g) must be above thresholds.possible (%g)",
			c.Thresholds.Match, c.Thresholds.Possible))
	}
	if c.Thresholds.ReferenceRecords < 0 {
		errs = append(errs, fmt.Errorf("thresholds.referenceRecords: %d is negative", c.Thresholds.ReferenceRecords))
	}
	return errors.Join(errs...)
}

// Validate checks the weights: known attribute and level names, and probabilities in (0, 1].
func (w *Weights) Validate() error {
	var errs []error
	if !(w.Lambda > 0 && w.Lambda < 1) {
		errs = append(errs, fmt.Errorf("weights.lambda: %g is not a probability in (0, 1)", w.Lambda))
	}
	attrs := make([]string, 0, len(w.Levels))
	for name := range w.Levels {
		attrs = append(attrs, name)
	}
	sort.Strings(attrs)
	for _, name := range attrs {
		a, ok := attributeByName(name)
		if !ok {
			errs = append(errs, fmt.Errorf("weights.levels.%s: unknown attribute, want one of %s",
				name, strings.Join(attributeNames[:], ", ")))
			continue
		}
		levels := make([]string, 0, len(w.Levels[name]))
		for l := range w.Levels[name] {
			levels = append(levels, l)
		}
		sort.Strings(levels)
		for _, l := range levels {
			key := "weights.levels." + name + "." + l
			if _, ok := levelByName(a, l); !ok || l == "missing" {
				errs = append(errs, fmt.Errorf("%s: unknown level, want one of %s",
					key, strings.Join(a.Levels()[1:], ", ")))
				continue
			}
			p := w.Levels[name][l]
			if !(p.M > 0 && p.M <= 1) {
				errs = append(errs, fmt.Errorf("%s.m: %g is not a probability in (0, 1]", key, p.M))
			}
			if !(p.U > 0 && p.U <= 1) {
				errs = append(errs, fmt.Errorf("%s.u: %g is not a probability in (0, 1]", key, p.U))
			}
		}
	}
	return errors.Join(errs...)
}

// attributeByName returns the attribute of a configuration name.
func attributeByName(name string) (Attribute, bool) {
	for a := Attribute(0); a < NumAttributes; a++ {
		if attributeNames[a] == name {
			return a, true
		}
	}
	return 0, false
}

// levelByName returns the level of attribute a with the given name.
func levelByName(a Attribute, name string) (Level, bool) {
	for l, n := range a.Levels() {
		if n == name {
			return Level(l), true
		}
	}
	return 0, false
}

// Decision is the outcome of comparing two records.
type Decision uint8

// Decisions.
const (
	// NoMatch: the records are of different persons; a record without a match creates a person.
	NoMatch Decision = iota
	// PossibleMatch: a reviewer decides; until then the records stay separate persons.
	PossibleMatch
	// Match: the records are linked to one person.
	Match
	// Conflict: one valid BSN on records that are clearly of different persons; a reviewer decides.
	Conflict
)

// decisionNames are the names of the decisions as evidence writes them.
var decisionNames = [...]string{NoMatch: "no-match", PossibleMatch: "possible-match", Match: "match", Conflict: "conflict"}

// String returns the decision's name.
func (d Decision) String() string {
	if int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return "unknown"
}

// MarshalText writes the decision's name.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a decision's name.
func (d *Decision) UnmarshalText(b []byte) error {
	for i, n := range decisionNames {
		if n == string(b) {
			*d = Decision(i)
			return nil
		}
	}
	return fmt.Errorf("decision %q: unknown, want match, possible-match, no-match or conflict", b)
}

// Rule names a hard rule that overrode the thresholds.
type Rule string

// Hard rules.
const (
	// RuleNone: the thresholds decided.
	RuleNone Rule = ""
	// RuleDifferentBSN: two different valid BSNs never link automatically; at most a possible match, when all
	// else would have linked.
	RuleDifferentBSN Rule = "different-bsn"
	// RuleSameBSNDifferentPerson: one valid BSN on records whose birth dates and names disagree is a conflict.
	RuleSameBSNDifferentPerson Rule = "same-bsn-different-person"
	// RuleGivenNamesDiffer: without a shared identifier, records whose given names disagree (twins, siblings),
	// all but the first letter, are at most a possible match.
	RuleGivenNamesDiffer Rule = "given-names-differ"
	// RuleBirthDatesDiffer: without a shared identifier, records with complete birth dates that disagree beyond
	// a typing error (parent and child of one name) are at most a possible match.
	RuleBirthDatesDiffer Rule = "birth-dates-differ"
	// RuleNearBirthDate: without a shared identifier, records whose birth dates agree only nearly (a typing error,
	// a partial date) are at most a possible match unless the address (postcode, with or without the house
	// number) or several given names agree as well: a namesake born in the same year explains them as well as one
	// person with a mistyped date. Day and month exchanged is the exception where the address is not known to
	// differ: a namesake's date of the same year is the other's with day and month exchanged one time in 900,
	// less often than it is the same date (one time in 365), which links. So is a name so rare that the index is
	// not expected to hold a namesake at all (Comparison.RareNames): without namesakes, the typing error is the
	// explanation left.
	RuleNearBirthDate Rule = "near-birth-date-unconfirmed"
	// RuleNoGivenNames: without a shared identifier, a record without given names (or initials) is at most a
	// possible match with one at another address: a surname and a birth date alone are shared by namesakes.
	// Given names exchanged with the surname are not missing: the surname's swapped level carries them.
	RuleNoGivenNames Rule = "no-given-names-other-address"
	// RuleGivenNamesAlike: likewise, records whose first given names are two names that look alike (Johannes
	// and Jan, Hendrik and Henk; see Comparison.GivenNamesAlike) are at most a possible match at another address:
	// such names confirm the person no more than missing ones.
	RuleGivenNamesAlike Rule = "given-names-alike-other-address"
)

// Decide applies the thresholds alone to a score: Match at or above t.Match, PossibleMatch at or above
// t.Possible, NoMatch below. Model.Decide applies the hard rules on top.
func Decide(score float64, t Thresholds) Decision {
	switch {
	case score >= t.Match:
		return Match
	case score >= t.Possible:
		return PossibleMatch
	}
	return NoMatch
}

// Model is a compiled Config: match weights per attribute and level, and the thresholds. It is safe for
// concurrent use.
type Model struct {
	weights    [NumAttributes][maxLevels]float64
	thresholds Thresholds
	lambda     float64
	// maxBoost and maxPenalty bound the frequency shifts; both 0 when they are disabled.
	maxBoost, maxPenalty float64
}

// NewModel compiles a configuration, after filling in its defaults and validating it.
func NewModel(c Config) (*Model, error) {
	c.Weights.Levels = cloneLevels(c.Weights.Levels)
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("compiling match model: %w", err)
	}
	m := &Model{thresholds: c.Thresholds, lambda: c.Weights.Lambda}
	if !c.TermFrequency.Disabled {
		m.maxBoost, m.maxPenalty = c.TermFrequency.MaxBoost, c.TermFrequency.MaxPenalty
	}
	for a := Attribute(0); a < NumAttributes; a++ {
		for l := Level(1); int(l) < len(a.Levels()); l++ {
			m.weights[a][l] = c.Weights.Levels[a.String()][a.LevelName(l)].Weight()
		}
	}
	return m, nil
}

// cloneLevels copies the level maps so that filling in defaults leaves the caller's configuration alone.
func cloneLevels(in map[string]map[string]MU) map[string]map[string]MU {
	if in == nil {
		return nil
	}
	out := make(map[string]map[string]MU, len(in))
	for a, levels := range in {
		c := make(map[string]MU, len(levels))
		for l, p := range levels {
			c[l] = p
		}
		out[a] = c
	}
	return out
}

// Thresholds returns the model's thresholds.
func (m *Model) Thresholds() Thresholds { return m.thresholds }

// Weight returns the match weight of level l of attribute a; 0 for the missing level.
func (m *Model) Weight(a Attribute, l Level) float64 {
	if a >= NumAttributes || int(l) >= maxLevels {
		return 0
	}
	return m.weights[a][l]
}

// Score returns the total match weight of a comparison, in bits: the sum over the attributes of log2(m/u) of
// their levels, plus the bounded frequency shifts of the names agreed on.
func (m *Model) Score(c Comparison) float64 {
	s := 0.0
	for a, l := range c.Levels {
		s += m.weights[a][l]
	}
	return s + m.shift(c.Frequency[AttrSurname]) + m.shift(c.Frequency[AttrGivenNames])
}

// shift bounds a frequency shift.
func (m *Model) shift(x float32) float64 {
	return min(max(float64(x), -m.maxPenalty), m.maxBoost)
}

// attributeWeight returns the weight attribute a adds to the score of c.
func (m *Model) attributeWeight(c *Comparison, a Attribute) float64 {
	return m.weights[a][c.Levels[a]] + m.shift(c.Frequency[a])
}

// Probability turns a score into the probability that the pair is of one person, given the prior Lambda.
func (m *Model) Probability(score float64) float64 {
	odds := math.Exp2(score) * m.lambda / (1 - m.lambda)
	if math.IsInf(odds, 1) {
		return 1
	}
	return odds / (1 + odds)
}

// Outcome is a decision with the score it was made on and the hard rule that overrode the thresholds, if any.
type Outcome struct {
	Decision Decision
	// Identified is set on a Match whose records share an identifier that tells relatives apart: a valid BSN, the
	// SKN, or a partner's own number (see sharedIdentifier). Whoever weighs the match against other records of a
	// person (a birth date of another record there) may take it as the person's. (Next to Decision, it keeps
	// Outcome at 32 bytes.)
	Identified bool
	Score      float64
	Rule       Rule
}

// Decide scores a comparison and decides it: the thresholds, then the hard rules of DESIGN.md §6.
//
//   - Two different valid BSNs: never Match. PossibleMatch when the other attributes alone reach the Match
//     threshold, NoMatch otherwise.
//   - The same valid BSN on clearly different persons (birth dates that disagree beyond a typing error with a
//     surname that disagrees or given names that agree at most loosely; or another gender with given names that
//     disagree): Conflict.
//   - Without a shared identifier (an SKN, a partner's number; see sharedIdentifier), given names that disagree
//     entirely, or complete birth dates that disagree beyond a typing error, make at most a PossibleMatch: twins
//     and parents with their child's name look alike in everything else. So do birth dates that agree only
//     nearly, unless the postcode or several given names agree as well or day and month are exchanged at an
//     address not known to differ (a namesake born in the same year; a name too rare for a namesake to be
//     expected excepted), and records of which one lacks given names, or whose first given names are two names
//     that look alike, and the addresses differ.
//
// A BSN that fails the elfproef never reaches the comparison (see Prepare).
func (m *Model) Decide(cmp Comparison) Outcome {
	score := m.Score(cmp)
	c := &cmp.Levels
	th := m.thresholds.at(cmp.IndexRecords)
	o := Outcome{Decision: Decide(score, th), Score: score}
	switch c[AttrBSN] {
	case IDDifferent:
		if o.Decision == Match || o.Decision == PossibleMatch {
			o.Rule = RuleDifferentBSN
			o.Decision = NoMatch
			if score-m.weights[AttrBSN][IDDifferent] >= th.Match {
				o.Decision = PossibleMatch
			}
		}
		return o
	case IDEqual:
		if clearlyDifferent(*c) {
			o.Decision, o.Rule = Conflict, RuleSameBSNDifferentPerson
		}
		o.Identified = o.Decision == Match
		return o
	}
	if o.Decision != Match {
		return o
	}
	if sharedIdentifier(&cmp) {
		o.Identified = true
		return o
	}
	switch {
	case c[AttrGivenNames] == GivenElse || c[AttrGivenNames] == GivenFirstLetter:
		o.Decision, o.Rule = PossibleMatch, RuleGivenNamesDiffer
	case c[AttrBirthDate] == BirthElse:
		o.Decision, o.Rule = PossibleMatch, RuleBirthDatesDiffer
	case nearBirthUnconfirmed(*c) && !cmp.RareNames:
		o.Decision, o.Rule = PossibleMatch, RuleNearBirthDate
	case c[AttrGivenNames] == LevelMissing && c[AttrSurname] != SurnameSwapped && c[AttrAddress] == AddressElse:
		o.Decision, o.Rule = PossibleMatch, RuleNoGivenNames
	case cmp.GivenNamesAlike && c[AttrAddress] == AddressElse:
		o.Decision, o.Rule = PossibleMatch, RuleGivenNamesAlike
	}
	return o
}

// sharedIdentifier reports whether two records share an identifier that tells relatives apart, so that the hard
// rules for look-alikes do not apply: the SKN, or a partner's own number (or a-nummer) equal or one typing error
// apart. A family's members have numbers of their own; a relative's number is the person's only by error, and one
// typing error apart only by a chance of about one in a hundred thousand — except numbers a few apart, which a
// partner gives to the members of a family registered together (see Comparison.IDNeighbours): those do not count.
// A BSN shared is handled before (never a look-alike rule; a conflict when the persons clearly differ).
func sharedIdentifier(cmp *Comparison) bool {
	switch cmp.Levels[AttrOtherID] {
	case OtherIDEqual:
		return true
	case OtherIDOneEdit:
		if !cmp.IDNeighbours {
			return true
		}
	}
	return cmp.Levels[AttrSKN] == IDEqual
}

// nearBirthUnconfirmed reports whether the birth dates agree only nearly and nothing that a namesake born in the
// same year rarely shares confirms them (see RuleNearBirthDate): not the postcode (a namesake born in the same
// year in the same street is a relative, whose given names differ), not several given names, and not day and
// month exchanged unless the addresses differ.
func nearBirthUnconfirmed(c [NumAttributes]Level) bool {
	switch c[AttrBirthDate] {
	case BirthExact, LevelMissing:
		return false
	case BirthDayMonthSwapped:
		if c[AttrAddress] != AddressElse {
			return false
		}
	}
	return c[AttrAddress] != AddressExact && c[AttrAddress] != AddressPostcode && c[AttrGivenNames] != GivenExactSeveral
}

// clearlyDifferent reports whether two records sharing a BSN describe different persons: the birth dates disagree
// and so does the surname or the given names do at most loosely (Johannes and Jacobus, a son given his father's
// BSN), or the genders differ and so do the given names (a partner's BSN), unless given name and surname were
// exchanged.
func clearlyDifferent(c [NumAttributes]Level) bool {
	given := c[AttrGivenNames]
	loose := given == GivenElse || given == GivenFirstLetter
	switch {
	case c[AttrBirthDate] == BirthElse:
		return c[AttrSurname] == SurnameElse || loose || given == GivenJW80
	case c[AttrGender] == GenderDifferent:
		return loose && c[AttrSurname] != SurnameSwapped
	}
	return false
}

// Evidence is why a decision was made, for storing with it: the score, the rule that overrode the thresholds,
// and per attribute the level and its weight. It names no value of the records.
type Evidence struct {
	Decision Decision `json:"decision"`
	Score    float64  `json:"score"`
	// ThresholdShift is the bits the thresholds rose by for the size of the index (see Thresholds).
	ThresholdShift float64             `json:"thresholdShift,omitempty"`
	Rule           Rule                `json:"rule,omitempty"`
	Attributes     []AttributeEvidence `json:"attributes"`
}

// AttributeEvidence is one attribute's part in a decision: its level and the weight it adds, which includes the
// bounded frequency shift of a name agreed on exactly (see Frequencies), also given apart.
type AttributeEvidence struct {
	Attribute string  `json:"attribute"`
	Level     string  `json:"level"`
	Weight    float64 `json:"weight"`
	Frequency float64 `json:"frequency,omitempty"`
}

// Evidence decides a comparison and explains the decision.
func (m *Model) Evidence(c Comparison) Evidence {
	o := m.Decide(c)
	e := Evidence{Decision: o.Decision, Score: round3(o.Score), ThresholdShift: round3(m.thresholds.Shift(c.IndexRecords)), Rule: o.Rule,
		Attributes: make([]AttributeEvidence, 0, NumAttributes)}
	for a := Attribute(0); a < NumAttributes; a++ {
		e.Attributes = append(e.Attributes, AttributeEvidence{
			Attribute: a.String(),
			Level:     a.LevelName(c.Levels[a]),
			Weight:    round3(m.attributeWeight(&c, a)),
			Frequency: round3(m.shift(c.Frequency[a])),
		})
	}
	return e
}

// round3 rounds to three decimals, enough for evidence.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
