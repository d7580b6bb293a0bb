package match

import "math"

// Frequencies are the term-frequency adjustments of a record's names, as Splink makes them: an exact agreement on
// a common name ("de Jong", "Jan") is weaker evidence than one on a rare name. For a value v of a name with
// relative frequency p(v) among the records of an index, two records of different persons agree on v with
// probability p(v)², and on some value with probability S = Σ p(w)²; two records of one person agree on v with
// probability proportional to p(v). Given an exact agreement, the value agreed on therefore shifts the match weight
// by log2(S / p(v)) bits: positive for a name rarer than the average agreement, negative for a more common one,
// zero on average over the matches' names. Each field holds that shift for the record's own value, unbounded; the
// Model bounds it (see TermFrequency) and applies it to the exact levels. Zero means unknown: no adjustment.
//
// The frequencies are the index's at the time the record is resolved: counted over the records resolved before
// it and the record itself (see TermCounter, FrequencyShift). Resolving records one by one and in one batch, in
// the same order, gives every record the same frequencies.
type Frequencies struct {
	// Surname is the shift of the surname compared by similarity (the own one, or the partner's when only that
	// is known), for the exact surname level.
	Surname float32
	// GivenNames is the shift of all voornamen together, for the exact and exact-several given-name levels.
	GivenNames float32
	// FirstName is the shift of the first voornaam, for the first-exact given-name level.
	FirstName float32
	// IndexRecords is the number of records with a surname counted when the record was, itself included: the
	// size of the index it is resolved against, which the thresholds follow (see Thresholds.ReferenceRecords).
	IndexRecords int64
	// Namesakes is how many other records of the index bear the record's surname and first name by chance, as the
	// counts of each name make it: (c(surname) − 1)(c(first name) − 1) / (records − 1), the counts including the
	// record itself. It tells whether a namesake is to be expected at all (see RuleNearBirthDate); known only
	// where IndexRecords is set.
	Namesakes float32
}

// NewFrequencies returns the frequencies of a record whose surname, given names and first name are counted
// counts[t] times (0 when it has none) among the records of totals, the record itself included in both.
func NewFrequencies(counts [NumTerms]int64, totals [NumTerms]TermTotals) Frequencies {
	f := Frequencies{IndexRecords: totals[TermSurname].Records}
	f.Surname = FrequencyShift(counts[TermSurname], totals[TermSurname])
	f.GivenNames = FrequencyShift(counts[TermGivenNames], totals[TermGivenNames])
	f.FirstName = FrequencyShift(counts[TermFirstName], totals[TermFirstName])
	if s, g := counts[TermSurname], counts[TermFirstName]; s > 0 && g > 0 && f.IndexRecords > 1 {
		f.Namesakes = float32(float64(s-1) * float64(g-1) / float64(f.IndexRecords-1))
	}
	return f
}

// Term is a name whose values are counted for Frequencies.
type Term uint8

// The counted names.
const (
	TermSurname Term = iota
	TermGivenNames
	TermFirstName
	// NumTerms is the number of counted names.
	NumTerms
)

// termNames are the names of the terms.
var termNames = [NumTerms]string{TermSurname: "surname", TermGivenNames: "givenNames", TermFirstName: "firstName"}

// String returns the term's name.
func (t Term) String() string {
	if t < NumTerms {
		return termNames[t]
	}
	return "unknown"
}

// TermHashes returns per term the 64-bit hash of the record's value, under which a counts table keeps it, and 0
// when the record has none. Like a blocking key's, a hash holds no readable personal data.
func TermHashes(f *Features) [NumTerms]uint64 {
	var out [NumTerms]uint64
	used, _ := usedSurname(f)
	for t, v := range [NumTerms]string{TermSurname: used, TermGivenNames: f.GivenNames, TermFirstName: f.FirstName} {
		if v != "" {
			out[t] = newHash(KeyKind(0x80 | t)).str(v).sum()
		}
	}
	return out
}

// TermTotals are the counts of one term over the records of an index: the records with a value, and the sum over
// the values of their counts squared (Σ c(w)², which makes S = Σ c(w)² / Records²).
type TermTotals struct {
	Records int64
	Squares int64
}

// Add returns the totals after one more record with a value counted c times before it.
func (t TermTotals) Add(c int64) TermTotals {
	return TermTotals{Records: t.Records + 1, Squares: t.Squares + 2*c + 1}
}

// Remove returns the totals after a record with a value counted c times, itself included, is taken out.
func (t TermTotals) Remove(c int64) TermTotals {
	return TermTotals{Records: t.Records - 1, Squares: t.Squares - 2*c + 1}
}

// FrequencyShift returns log2(S / p(v)) for a value counted count times among the records of totals: with
// p(v) = count / Records and S = Squares / Records², that is log2(Squares / (Records × count)). The counts include
// the record resolved. It returns 0 when they are empty.
func FrequencyShift(count int64, totals TermTotals) float32 {
	if count <= 0 || totals.Records <= 0 || totals.Squares <= 0 {
		return 0
	}
	return float32(math.Log2(float64(totals.Squares) / (float64(totals.Records) * float64(count))))
}

// TermCounter counts the values of the names of records taken in order and gives each record the frequencies of
// its values among the records counted so far, itself included: the counts a resolver keeps in its database,
// held in memory for a batch. The zero value is ready to use; it is not safe for concurrent use.
type TermCounter struct {
	counts map[uint64]int64
	totals [NumTerms]TermTotals
}

// Add counts the values of f and sets f.Frequencies.
func (c *TermCounter) Add(f *Features) {
	if c.counts == nil {
		c.counts = make(map[uint64]int64)
	}
	var counts [NumTerms]int64
	for t, h := range TermHashes(f) {
		if h == 0 {
			continue
		}
		n := c.counts[h]
		c.totals[t] = c.totals[t].Add(n)
		c.counts[h] = n + 1
		counts[t] = n + 1
	}
	f.Frequencies = NewFrequencies(counts, c.totals)
}

// Totals returns the totals of term t.
func (c *TermCounter) Totals(t Term) TermTotals { return c.totals[t] }

// Counts calls fn with every counted value's hash and count, in no particular order.
func (c *TermCounter) Counts(fn func(hash uint64, count int64)) {
	for h, n := range c.counts {
		fn(h, n)
	}
}
