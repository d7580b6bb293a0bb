package match

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("default configuration does not validate: %v", err)
	}
	for a := Attribute(0); a < NumAttributes; a++ {
		sumM, sumU := 0.0, 0.0
		for _, p := range c.Weights.Levels[a.String()] {
			sumM += p.M
			sumU += p.U
		}
		if math.Abs(sumM-1) > 0.01 || math.Abs(sumU-1) > 0.01 {
			t.Errorf("%s: m sum to %.4f and u to %.4f, want 1 each", a, sumM, sumU)
		}
		if got, want := len(c.Weights.Levels[a.String()]), len(a.Levels())-1; got != want {
			t.Errorf("%s: %d levels configured, want %d", a, got, want)
		}
	}
}

func TestConfigFiles(t *testing.T) {
	wantErr := map[string]string{
		"unknown-level.bad.yml":     "weights.levels.surname.identical: unknown level",
		"unknown-attribute.bad.yml": "weights.levels.shoesize: unknown attribute",
		"zero-u.bad.yml":            "weights.levels.bsn.equal.u: 0 is not a probability",
		"thresholds.bad.yml":        "thresholds.match (10) must be above thresholds.possible (12)",
		"lambda.bad.yml":            "weights.lambda: 1.5 is not a probability",
		"term-frequency.bad.yml":    "termFrequency.maxBoost: -1 is negative",
	}
	files, err := filepath.Glob("testdata/config/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no configuration files: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var c Config
			if err := yaml.Unmarshal(data, &c); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			_, err = NewModel(c)
			if strings.HasSuffix(name, ".good.yml") {
				if err != nil {
					t.Fatalf("NewModel: %v", err)
				}
				return
			}
			want, ok := wantErr[name]
			if !ok {
				t.Fatalf("no expected error listed for %s", name)
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("NewModel error = %v, want it to contain %q", err, want)
			}
		})
	}
}

func TestPartialConfigKeepsDefaults(t *testing.T) {
	data, err := os.ReadFile("testdata/config/partial.good.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(c)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Weight(AttrSurname, SurnameExact), math.Log2(0.9/0.003); math.Abs(got-want) > 1e-9 {
		t.Errorf("configured surname exact weight = %.3f, want %.3f", got, want)
	}
	if got, want := m.Weight(AttrBirthDate, BirthExact), defaultLevels[AttrBirthDate][BirthExact].Weight(); got != want {
		t.Errorf("default birth exact weight = %.3f, want %.3f", got, want)
	}
	if m.Thresholds() != (Thresholds{Match: 22, Possible: 12, ReferenceRecords: DefaultReferenceRecords}) {
		t.Errorf("thresholds = %+v, want 22 and 12 up to the default reference size", m.Thresholds())
	}
	if c.Weights.Levels["birthDate"] != nil {
		t.Error("NewModel filled in the caller's configuration")
	}
}

func TestConfigYAMLRoundTrip(t *testing.T) {
	c := DefaultConfig()
	out, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := yaml.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if back.Weights.Levels["bsn"]["equal"] != c.Weights.Levels["bsn"]["equal"] || back.Thresholds != c.Thresholds {
		t.Errorf("round trip changed the configuration:\n%s", out)
	}
}

// lv is the type of Comparison.Levels, for writing comparisons in tests.
type lv = [NumAttributes]Level

func TestDecide(t *testing.T) {
	m, err := NewModel(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	strong := Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthExact}}
	with := func(c Comparison, a Attribute, l Level) Comparison { c.Levels[a] = l; return c }
	tests := []struct {
		name string
		c    Comparison
		want Decision
		rule Rule
	}{
		{"names and birth date", strong, Match, RuleNone},
		{"nothing known", Comparison{}, NoMatch, RuleNone},
		{"same bsn only", Comparison{Levels: lv{AttrBSN: IDEqual}}, Match, RuleNone},
		{"different bsn, all else agrees", with(strong, AttrBSN, IDDifferent), PossibleMatch, RuleDifferentBSN},
		{"different bsn, nearly all else agrees",
			Comparison{Levels: lv{AttrBSN: IDDifferent, AttrSurname: SurnameExact, AttrGivenNames: GivenFirstExact, AttrBirthDate: BirthOneEdit, AttrAddress: AddressExact}},
			PossibleMatch, RuleDifferentBSN},
		{"different bsn, siblings at one address",
			Comparison{Levels: lv{AttrBSN: IDDifferent, AttrSurname: SurnameExact, AttrGivenNames: GivenFirstLetter, AttrBirthDate: BirthElse, AttrAddress: AddressExact}},
			NoMatch, RuleNone},
		{"same bsn, different person",
			Comparison{Levels: lv{AttrBSN: IDEqual, AttrSurname: SurnameElse, AttrGivenNames: GivenExact, AttrBirthDate: BirthElse}}, Conflict, RuleSameBSNDifferentPerson},
		{"same bsn and birth date, names changed",
			Comparison{Levels: lv{AttrBSN: IDEqual, AttrSurname: SurnameElse, AttrGivenNames: GivenElse, AttrBirthDate: BirthExact}}, Match, RuleNone},
		{"same bsn, child of the bsn holder",
			Comparison{Levels: lv{AttrBSN: IDEqual, AttrSurname: SurnameExact, AttrGivenNames: GivenElse, AttrBirthDate: BirthElse}}, Conflict, RuleSameBSNDifferentPerson},
		{"same bsn, married name", Comparison{Levels: lv{AttrBSN: IDEqual, AttrSurname: SurnameElse, AttrGivenNames: GivenExact, AttrBirthDate: BirthExact}}, Match, RuleNone},
		{"twins", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenElse, AttrBirthDate: BirthExact, AttrAddress: AddressExact, AttrGender: GenderEqual}},
			PossibleMatch, RuleGivenNamesDiffer},
		{"father and son", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthElse, AttrAddress: AddressExact, AttrGender: GenderEqual}},
			PossibleMatch, RuleBirthDatesDiffer},
		{"twins whose names begin alike", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenFirstLetter, AttrBirthDate: BirthExact, AttrAddress: AddressExact, AttrGender: GenderEqual}},
			PossibleMatch, RuleGivenNamesDiffer},
		{"twins with one skn", Comparison{Levels: lv{AttrSKN: IDEqual, AttrSurname: SurnameExact, AttrGivenNames: GivenElse, AttrBirthDate: BirthExact}},
			Match, RuleNone},
		{"same bsn, son with a similar name", Comparison{Levels: lv{AttrBSN: IDEqual, AttrSurname: SurnameExact, AttrGivenNames: GivenJW80, AttrBirthDate: BirthElse, AttrAddress: AddressExact}},
			Conflict, RuleSameBSNDifferentPerson},
		{"same bsn, partner without birth date", Comparison{Levels: lv{AttrBSN: IDEqual, AttrSurname: SurnameNameUsage, AttrGivenNames: GivenElse, AttrAddress: AddressExact, AttrGender: GenderDifferent}},
			Conflict, RuleSameBSNDifferentPerson},
		{"same bsn, names exchanged, gender mistyped", Comparison{Levels: lv{AttrBSN: IDEqual, AttrSurname: SurnameSwapped, AttrGivenNames: GivenElse, AttrBirthDate: BirthExact, AttrGender: GenderDifferent}},
			Match, RuleNone},
		{"namesake born in the same year elsewhere", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthOneEdit, AttrAddress: AddressElse, AttrGender: GenderEqual}},
			PossibleMatch, RuleNearBirthDate},
		{"namesake born in the same year, address unknown", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthOneEdit, AttrGender: GenderEqual}},
			PossibleMatch, RuleNearBirthDate},
		{"rare names, nearly the same birth date, address unknown", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthOneEdit, AttrGender: GenderEqual}, RareNames: true},
			Match, RuleNone},
		{"rare names, nearly the same birth date elsewhere", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthOneEdit, AttrAddress: AddressElse, AttrGender: GenderEqual}, RareNames: true},
			Match, RuleNone},
		{"a partner's number, names and birth date", Comparison{Levels: lv{AttrOtherID: OtherIDEqual, AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthExact}},
			Match, RuleNone},
		{"a partner's number, given names replaced", Comparison{Levels: lv{AttrOtherID: OtherIDEqual, AttrSurname: SurnameExact, AttrGivenNames: GivenElse, AttrBirthDate: BirthExact}},
			Match, RuleNone},
		{"a partner's number mistyped, another birth date", Comparison{Levels: lv{AttrOtherID: OtherIDOneEdit, AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthElse, AttrAddress: AddressExact}},
			Match, RuleNone},
		{"a partner's number mistyped twice, names and address", Comparison{Levels: lv{AttrOtherID: OtherIDTwoEdits, AttrSurname: SurnameJW92, AttrGivenNames: GivenExact, AttrAddress: AddressExact}},
			Match, RuleNone},
		{"twins with partner's numbers two typing errors apart", Comparison{Levels: lv{AttrOtherID: OtherIDTwoEdits, AttrSurname: SurnameExact, AttrGivenNames: GivenElse, AttrBirthDate: BirthExact, AttrAddress: AddressExact}},
			PossibleMatch, RuleGivenNamesDiffer},
		{"twins registered one after the other: numbers one apart", Comparison{Levels: lv{AttrOtherID: OtherIDOneEdit, AttrSurname: SurnameExact, AttrGivenNames: GivenElse, AttrBirthDate: BirthExact, AttrAddress: AddressExact}, IDNeighbours: true},
			PossibleMatch, RuleGivenNamesDiffer},
		{"no given names, another address", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrBirthDate: BirthExact, AttrAddress: AddressElse, AttrGender: GenderEqual}},
			PossibleMatch, RuleNoGivenNames},
		{"no given names, the same address", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrBirthDate: BirthExact, AttrAddress: AddressExact, AttrGender: GenderEqual}},
			Match, RuleNone},
		{"nearly the same birth date at the same address", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthOneEdit, AttrAddress: AddressExact, AttrGender: GenderEqual}},
			Match, RuleNone},
		{"nearly the same birth date elsewhere, several given names agree", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExactSeveral, AttrBirthDate: BirthOneEdit, AttrAddress: AddressElse, AttrGender: GenderEqual}},
			Match, RuleNone},
		{"nearly the same birth date, same postcode, house number mistyped", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthOneEdit, AttrAddress: AddressPostcode, AttrGender: GenderEqual}},
			Match, RuleNone},
		{"partial birth date, same postcode", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthSameYear, AttrAddress: AddressPostcode, AttrGender: GenderEqual}},
			Match, RuleNone},
		{"day and month exchanged, address unknown", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthDayMonthSwapped, AttrGender: GenderEqual}},
			Match, RuleNone},
		{"day and month exchanged elsewhere", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthDayMonthSwapped, AttrAddress: AddressElse, AttrGender: GenderEqual}},
			PossibleMatch, RuleNearBirthDate},
		{"names exchanged, another address", Comparison{Levels: lv{AttrSurname: SurnameSwapped, AttrBirthDate: BirthExact, AttrAddress: AddressElse, AttrGender: GenderEqual}},
			Match, RuleNone},
		{"given names alike, another address", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenJW80, AttrBirthDate: BirthExact, AttrAddress: AddressElse, AttrGender: GenderEqual}, GivenNamesAlike: true},
			PossibleMatch, RuleGivenNamesAlike},
		{"given names alike, the same address", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenJW80, AttrBirthDate: BirthExact, AttrAddress: AddressExact, AttrGender: GenderEqual}, GivenNamesAlike: true},
			Match, RuleNone},
		{"given name mistyped, another address", Comparison{Levels: lv{AttrSurname: SurnameExact, AttrGivenNames: GivenJW80, AttrBirthDate: BirthExact, AttrAddress: AddressElse, AttrGender: GenderEqual}},
			Match, RuleNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := m.Decide(tt.c)
			if o.Decision != tt.want || o.Rule != tt.rule {
				t.Errorf("Decide = %s (rule %q, score %.1f), want %s (rule %q)", o.Decision, o.Rule, o.Score, tt.want, tt.rule)
			}
		})
	}
}

func TestDecideIdentified(t *testing.T) {
	m, err := NewModel(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	names := lv{AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthElse, AttrAddress: AddressExact}
	with := func(a Attribute, l Level) Comparison { c := Comparison{Levels: names}; c.Levels[a] = l; return c }
	neighbours := with(AttrOtherID, OtherIDOneEdit)
	neighbours.IDNeighbours = true
	tests := []struct {
		name string
		c    Comparison
		want bool
	}{
		{"one BSN", with(AttrBSN, IDEqual), true},
		{"one SKN", with(AttrSKN, IDEqual), true},
		{"one partner's number", with(AttrOtherID, OtherIDEqual), true},
		{"a partner's number mistyped", with(AttrOtherID, OtherIDOneEdit), true},
		{"partner's numbers one apart", neighbours, false},
		{"a partner's number two typing errors apart", with(AttrOtherID, OtherIDTwoEdits), false},
		{"other BSNs", with(AttrBSN, IDDifferent), false},
		{"names alone", Comparison{Levels: names}, false},
	}
	for _, tt := range tests {
		if got := m.Decide(tt.c).Identified; got != tt.want {
			t.Errorf("%s: Identified = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDecideThresholds(t *testing.T) {
	th := Thresholds{Match: 20, Possible: 10}
	for _, tt := range []struct {
		score float64
		want  Decision
	}{{25, Match}, {20, Match}, {19.9, PossibleMatch}, {10, PossibleMatch}, {9.9, NoMatch}, {-30, NoMatch}} {
		if got := Decide(tt.score, th); got != tt.want {
			t.Errorf("Decide(%v) = %s, want %s", tt.score, got, tt.want)
		}
	}
}

func TestEvidenceJSON(t *testing.T) {
	m, err := NewModel(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	c := Comparison{Levels: lv{AttrBSN: IDDifferent, AttrSurname: SurnameExact, AttrGivenNames: GivenExact, AttrBirthDate: BirthExact}}
	e := m.Evidence(c)
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var back Evidence
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("reading evidence back: %v", err)
	}
	if back.Decision != PossibleMatch || back.Rule != RuleDifferentBSN || len(back.Attributes) != int(NumAttributes) {
		t.Errorf("evidence read back = %+v", back)
	}
	if !strings.Contains(string(b), `"decision":"possible-match"`) || !strings.Contains(string(b), `"level":"different"`) {
		t.Errorf("evidence JSON = %s", b)
	}
	total := 0.0
	for _, a := range back.Attributes {
		total += a.Weight
	}
	if math.Abs(total-back.Score) > 0.01 {
		t.Errorf("attribute weights sum to %.3f, score is %.3f", total, back.Score)
	}
}

func TestProbability(t *testing.T) {
	m, err := NewModel(Config{Weights: Weights{Lambda: 0.001}})
	if err != nil {
		t.Fatal(err)
	}
	if p := m.Probability(math.Log2(999)); math.Abs(p-0.5) > 0.001 {
		t.Errorf("Probability at odds 1 = %.4f, want 0.5", p)
	}
	if p := m.Probability(5000); p != 1 {
		t.Errorf("Probability of a huge score = %v, want 1", p)
	}
}

// TestThresholdsFollowIndexSize: up to the reference size the thresholds hold as given; an index ten times
// larger raises them by log2(10) bits, so that a score just above the MATCH threshold there is a possible match.
func TestThresholdsFollowIndexSize(t *testing.T) {
	m, err := NewModel(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	a, b := Prepare(person("", "", "Jansen", "19800517", "")), Prepare(person("Pieter", "", "Jansen", "19800517", ""))
	c := Compare(&a, &b)
	score := m.Score(c)
	if score < DefaultMatchThreshold || score >= DefaultMatchThreshold+math.Log2(10) {
		t.Fatalf("score %.2f: the case needs a score within log2(10) bits above the MATCH threshold", score)
	}
	for _, tc := range []struct {
		records int64
		want    Decision
		shift   float64
	}{
		{0, Match, 0},
		{DefaultReferenceRecords, Match, 0},
		{10 * DefaultReferenceRecords, PossibleMatch, math.Log2(10)},
	} {
		c.IndexRecords = tc.records
		if got := m.Decide(c).Decision; got != tc.want {
			t.Errorf("index of %d records: %v, want %v", tc.records, got, tc.want)
		}
		if got := m.Evidence(c).ThresholdShift; math.Abs(got-tc.shift) > 1e-3 {
			t.Errorf("index of %d records: evidence shift %.3f, want %.3f", tc.records, got, tc.shift)
		}
	}
}
