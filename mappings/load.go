package mappings

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unsafe"

	"gopkg.in/yaml.v3"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// Mapping is a compiled mapping file: it maps records of one source to canonical records. A Mapping is
// immutable and safe for concurrent use.
type Mapping struct {
	file        string
	name        string
	source      string
	partner     string
	description string
	adapter     map[string]any
	adapterLine int
	localID     *rule
	lists       []*block // persons, cases and partners of the record
	columns     []string // the names the mapping reads as one step from the record, by srcPath.col
	columnLines []int    // per column: the line of the first rule or condition that reads it
	flat        bool     // the mapping reads nothing but columns: a record of columns needs no tree
}

// File returns the path the mapping was loaded from.
func (m *Mapping) File() string { return m.file }

// Name returns the mapping file's name without its extension; golden cases live in testdata/<Name>.
func (m *Mapping) Name() string { return m.name }

// Source returns the source name the mapping is for.
func (m *Mapping) Source() string { return m.source }

// Partner returns the code of the partner delivering the source, if the mapping names one.
func (m *Mapping) Partner() string { return m.partner }

// Description returns the mapping's free-text description.
func (m *Mapping) Description() string { return m.description }

// Adapter returns the adapter that reads the source: its registered name and its options (a copy, without
// "type"), and the line of the adapter key for error messages. The name is empty when the mapping names none.
func (m *Mapping) Adapter() (name string, options map[string]any, line int) {
	options = make(map[string]any, len(m.adapter))
	for k, v := range m.adapter {
		if k != "type" {
			options[k] = v
		}
	}
	name, _ = m.adapter["type"].(string)
	return name, options, m.adapterLine
}

// block is a compiled block: it builds one element (a person, a case, a signal...) per repetition and appends
// it to a list of its parent.
type block struct {
	name         string       // list chain for messages: "cases.involvements"
	line         int          // of the block in the mapping file
	typ          reflect.Type // element type
	list         *target      // the list in the parent the element goes to; nil for an involvement's person
	foreach      *srcPath
	when         []*cond
	id           *rule
	rules        []*rule
	lists        []*block
	person       *block  // involvements: the person block whose local id the involvement refers to
	provIndex    int     // field index of the element's Provenance, -1 when it has none
	provOffset   uintptr // and its offset
	personOffset uintptr // involvements: offset of Involvement.Person
}

// rule is a compiled field rule.
type rule struct {
	// What every record reads first, together.
	plain    bool     // the value is stored as it is in a string field of the element itself, at offset
	bare     bool     // the value read is the value: no transform, no pattern
	col      int      // from[0].col when the rule reads one path
	abs      bool     // from[0].abs
	kind     leafKind // tgt.kind
	offset   uintptr  // tgt.offset
	when     []*cond
	from     []srcPath
	constant *string
	steps    []step
	pattern  *regexp.Regexp
	tgt      *target

	name        string // target path for messages, relative to the top-level list
	line        int
	fromRaw     string
	separator   string
	def         *string
	required    bool
	date        string
	layout      *dateLayout // date compiled, nil when canonical.ParseDateLayout reads every value
	boolTrue    []string
	boolFalse   []string
	split       string
	issuer      string
	surname     bool // splitSurname: also set the sibling voorvoegsel
	houseNumber bool // splitHouseNumber: also set the sibling letter and addition
	lenient     bool // onInvalid: finding
	fitted      bool // every value the rule can write was found to fit its target at load (checkOutputs)
}

// cond is a compiled condition.
type cond struct {
	field  srcPath
	op     condOp
	values []string
	re     *regexp.Regexp
	shape  *shape // re as a shape, when it is one
}

// condOp is a condition's test.
type condOp int

const (
	opNone condOp = iota // no test given: the condition never holds
	opPresent
	opAbsent
	opEquals
	opNotEquals
	opIn
	opNotIn
	opMatches
)

// condOpNames are the tests by their name in a mapping file.
var condOpNames = map[string]condOp{
	"present": opPresent, "absent": opAbsent, "equals": opEquals, "notEquals": opNotEquals,
	"in": opIn, "notIn": opNotIn, "matches": opMatches,
}

// Load reads and compiles one mapping file. Every problem of the file is reported, each as a *LoadError with the
// file and line, joined into one error.
func Load(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading mapping: %w", err)
	}
	return parse(path, data, os.ReadFile)
}

// LoadDir loads every mapping file in dir: the *.yaml and *.yml files, except code-list files named
// *.codes.yaml or *.codes.yml. Mappings are returned in file-name order; two mappings for the same source are
// an error.
func LoadDir(dir string) ([]*Mapping, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("loading mappings: %w", err)
	}
	var out []*Mapping
	var errs []error
	bySource := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !isMappingFile(e.Name()) {
			continue
		}
		m, err := Load(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, dup := bySource[m.source]; dup {
			errs = append(errs, &LoadError{File: m.file, Msg: fmt.Sprintf("source %q is already mapped by %s", m.source, other)})
			continue
		}
		bySource[m.source] = m.file
		out = append(out, m)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// isMappingFile reports whether a file name is a mapping file rather than a code list.
func isMappingFile(name string) bool {
	ext := filepath.Ext(name)
	if ext != ".yaml" && ext != ".yml" {
		return false
	}
	return !strings.HasSuffix(strings.TrimSuffix(name, ext), ".codes")
}

// compiler compiles one file's spec; it shares the decoder's error list.
type compiler struct {
	*decoder
	lookups map[string]*lookup
	columns map[string]int // the number of each name read as one step, from 1
	names   []string       // those names by number
	lines   []int          // per name: the line of the first rule or condition that reads it
	deep    bool           // a path reads more than a column, or a block repeats
}

// source compiles a source path that a rule or condition at line reads, numbering a path of one step by its
// name.
func (c *compiler) source(s string, line int) (srcPath, error) {
	p, err := compileSource(s)
	if err != nil || p.position {
		return p, err
	}
	if len(p.steps) != 1 || p.steps[0].index != 0 {
		c.deep = true
		return p, nil
	}
	name := p.steps[0].name
	if c.columns[name] == 0 {
		c.names = append(c.names, name)
		c.lines = append(c.lines, line)
		c.columns[name] = len(c.names)
	}
	p.col = c.columns[name]
	return p, nil
}

func (c *compiler) fail(line, col int, format string, args ...any) {
	c.errs = append(c.errs, &LoadError{File: c.file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
}

// parse decodes and compiles a mapping file's bytes; readFile reads code-list files relative to the mapping.
func parse(file string, data []byte, readFile func(string) ([]byte, error)) (*Mapping, error) {
	d := &decoder{file: file}
	spec := d.decodeFile(data)
	if spec == nil {
		return nil, joinSorted(d.errs)
	}
	c := &compiler{decoder: d, lookups: map[string]*lookup{}, columns: map[string]int{}}
	base := filepath.Base(file)
	m := &Mapping{
		file:        file,
		name:        strings.TrimSuffix(base, filepath.Ext(base)),
		source:      spec.source,
		partner:     spec.partner,
		description: spec.description,
		adapter:     spec.adapter,
		adapterLine: spec.adapterLine,
	}
	if spec.modelVersion != "" && spec.modelVersion != canonical.ModelVersion {
		c.fail(spec.modelVersionLine, 0, "modelVersion %q: this build maps to canonical model version %q", spec.modelVersion, canonical.ModelVersion)
	}
	for _, l := range spec.lookups {
		c.compileLookup(l, filepath.Dir(file), readFile)
	}
	if spec.localID != nil {
		spec.localID.required = spec.localID.def == nil
		m.localID = c.compileRule(spec.localID, typeProvenance, "localId", "localId")
	}
	for _, top := range []struct {
		name   string
		blocks []*blockSpec
	}{{"persons", spec.persons}, {"cases", spec.cases}, {"partners", spec.partners}} {
		for _, bs := range top.blocks {
			bs.target = top.name
			if b := c.compileBlock(bs, typeRecord, "", false); b != nil {
				m.lists = append(m.lists, b)
			}
		}
	}
	if len(c.errs) > 0 {
		return nil, joinSorted(c.errs)
	}
	m.columns, m.columnLines, m.flat = c.names, c.lines, !c.deep
	return m, nil
}

// compileLookup compiles a code list, reading it from its file when it has one.
func (c *compiler) compileLookup(l *lookupSpec, dir string, readFile func(string) ([]byte, error)) {
	values, order := l.values, l.order
	if l.file != "" {
		path := l.file
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		data, err := readFile(path)
		if err != nil {
			c.fail(l.line, l.col, "lookup %s: reading code list: %v", l.name, err)
			return
		}
		values, order, err = parseCodeFile(path, data)
		if err != nil {
			c.fail(l.line, l.col, "lookup %s: %v", l.name, err)
			return
		}
	}
	lk := &lookup{name: l.name, def: l.def, ignoreCase: l.ignoreCase, values: make(map[string]string, len(values))}
	for _, k := range order {
		key := k
		if l.ignoreCase {
			key = strings.ToUpper(k)
			if _, dup := lk.values[key]; dup {
				c.fail(l.line, l.col, "lookup %s: codes differing only in case with ignoreCase: %q", l.name, k)
			}
		}
		lk.values[key] = values[k]
	}
	c.lookups[l.name] = lk
}

// parseCodeFile reads a code-list file: YAML (a mapping of code to value) or CSV (two columns, code and value,
// separated by ';' or ',', no header; lines starting with '#' are comments).
func parseCodeFile(path string, data []byte) (map[string]string, []string, error) {
	switch filepath.Ext(path) {
	case ".yaml", ".yml":
		var n yaml.Node
		if err := yaml.Unmarshal(data, &n); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		d := &decoder{file: path}
		if len(n.Content) == 0 {
			return nil, nil, fmt.Errorf("%s: empty code list", path)
		}
		m, order := d.codeMap(n.Content[0])
		if len(d.errs) > 0 {
			return nil, nil, errors.Join(d.errs...)
		}
		return m, order, nil
	case ".csv":
		sep := ';'
		if first, _, _ := strings.Cut(string(data), "\n"); !strings.Contains(first, ";") && strings.Contains(first, ",") {
			sep = ','
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
		r.Comma, r.Comment, r.FieldsPerRecord = sep, '#', 2
		rows, err := r.ReadAll()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		m := make(map[string]string, len(rows))
		order := make([]string, 0, len(rows))
		for i, row := range rows {
			code := strings.TrimSpace(row[0])
			if _, dup := m[code]; dup {
				return nil, nil, fmt.Errorf("%s: row %d: code %q given twice", path, i+1, code)
			}
			m[code] = strings.TrimSpace(row[1])
			order = append(order, code)
		}
		return m, order, nil
	}
	return nil, nil, fmt.Errorf("%s: a code list file is .csv, .yaml or .yml", path)
}

// compileBlock compiles a list block whose target is relative to the parent type. repeated says an enclosing
// block iterates, so that persons need their own id.
func (c *compiler) compileBlock(bs *blockSpec, parent reflect.Type, prefix string, repeated bool) *block {
	b := &block{line: bs.line, provIndex: -1}
	if bs.target == "" {
		c.fail(bs.line, bs.col, "list: missing key \"target\" (one of: %s)", strings.Join(listPaths(parent), ", "))
		return nil
	}
	tg, err := resolveTarget(parent, bs.target)
	if err == nil && tg.kind != leafList {
		err = fmt.Errorf("list target %q is not a list of structures (lists: %s)", bs.target, strings.Join(listPaths(parent), ", "))
	}
	if err != nil {
		c.fail(bs.line, bs.col, "%v", err)
		return nil
	}
	b.list, b.typ = tg, tg.typ
	b.name = strings.TrimPrefix(prefix+"."+bs.target, ".")
	if parent == typeRecord {
		b.name = ""
	}
	if bs.foreach != "" {
		p, err := compileSource(bs.foreach)
		if err != nil {
			c.fail(bs.line, bs.col, "foreach: %v", err)
		}
		if p.position {
			c.fail(bs.line, bs.col, "foreach: #position is the position of a repetition, not a path to repeat over")
		}
		b.foreach = &p
		repeated = true
		c.deep = true
	}
	b.when = c.compileConds(bs.when)
	c.compileBody(b, bs, repeated)
	return b
}

// compileBody compiles what a block sets: id, fields, nested lists and an involvement's person.
func (c *compiler) compileBody(b *block, bs *blockSpec, repeated bool) {
	if f, ok := fieldByJSON(b.typ, "provenance"); ok && f.Type == typeProvenance {
		b.provIndex, b.provOffset = f.Index[0], f.Offset
	}
	if bs.id != nil {
		if b.provIndex < 0 {
			c.fail(bs.id.line, bs.id.col, "id: a %s has no local id; set its fields instead", typeLabel(b.typ))
		} else {
			bs.id.required = bs.id.def == nil
			b.id = c.compileRule(bs.id, typeProvenance, "localId", b.ruleName("id"))
		}
	} else if b.typ == typePerson && repeated {
		c.fail(bs.line, bs.col, "a repeated person needs an \"id\" (its local id) so that involvements can refer to it")
	}
	for _, rs := range bs.fields {
		if r := c.compileRule(rs, b.typ, rs.target, b.ruleName(rs.target)); r != nil {
			if r.tgt != nil && r.tgt.kind == leafList {
				c.fail(rs.targetLine, rs.targetCol, "target %q is a list: map it with a list block (lists: - target: %s)", rs.target, rs.target)
				continue
			}
			b.rules = append(b.rules, r)
		}
	}
	for _, ls := range bs.lists {
		if lb := c.compileBlock(ls, b.typ, b.name, repeated); lb != nil {
			b.lists = append(b.lists, lb)
		}
	}
	if bs.hasTargetKey && b.list != nil && b.list.path != bs.target {
		c.fail(bs.line, bs.col, "target %q not allowed here", bs.target)
	}
	isInvolvement := b.typ == typeInvolvement
	if isInvolvement {
		f, _ := fieldByJSON(typeInvolvement, "person")
		b.personOffset = f.Offset
	}
	switch {
	case bs.hasPersonKey && !isInvolvement:
		c.fail(bs.personKeyLine, 0, "person: only an involvements list has a person block")
	case bs.person != nil:
		p := &block{name: b.ruleName("person"), line: bs.person.line, typ: typePerson, provIndex: -1}
		if bs.person.foreach != "" || bs.person.hasTargetKey {
			c.fail(bs.person.line, bs.person.col, "person: no foreach or target in an involvement's person; it maps the involvement's own repetition")
		}
		p.when = c.compileConds(bs.person.when)
		c.compileBody(p, bs.person, repeated)
		b.person = p
	case isInvolvement && !hasRuleFor(b.rules, "person"):
		c.fail(bs.line, bs.col, "an involvement needs a person block or a field rule with target \"person\" (a person's local id)")
	}
}

func hasRuleFor(rules []*rule, target string) bool {
	for _, r := range rules {
		if r.tgt != nil && r.tgt.path == target {
			return true
		}
	}
	return false
}

// ruleName prefixes a target with the block's list chain.
func (b *block) ruleName(target string) string {
	if b.name == "" {
		return target
	}
	return b.name + "." + target
}

// compileRule compiles a field rule against the element type t.
func (c *compiler) compileRule(rs *ruleSpec, t reflect.Type, targetPath, name string) *rule {
	r := &rule{name: name, line: rs.line, constant: rs.value, def: rs.def, required: rs.required, separator: " "}
	line, col := rs.targetLine, rs.targetCol
	if line == 0 {
		line, col = rs.line, rs.col
	}
	if targetPath == "" {
		return nil // reported by the decoder
	}
	tg, err := resolveTarget(t, targetPath)
	if err != nil {
		c.fail(line, col, "%v", err)
		return nil
	}
	r.tgt = tg
	if rs.separator != nil {
		r.separator = *rs.separator
	}
	for _, f := range rs.from {
		p, err := c.source(f, rs.line)
		if err != nil {
			c.fail(rs.line, rs.col, "from: %v", err)
			continue
		}
		r.from = append(r.from, p)
	}
	r.fromRaw = strings.Join(rs.from, "+")
	r.when = c.compileConds(rs.when)
	for i, st := range rs.transforms {
		s, err := compileStep(st, c.lookups)
		if err != nil {
			c.fail(st.line, st.col, "%v", err)
			continue
		}
		if s.name == "splitSurname" {
			if i != len(rs.transforms)-1 {
				c.fail(st.line, st.col, "splitSurname must be the last transform")
			}
			if err := c.surnameTarget(r, t); err != nil {
				c.fail(st.line, st.col, "%v", err)
			}
			continue
		}
		if s.name == "splitHouseNumber" {
			if i != len(rs.transforms)-1 {
				c.fail(st.line, st.col, "splitHouseNumber must be the last transform")
			}
			if err := c.houseNumberTarget(r, t); err != nil {
				c.fail(st.line, st.col, "%v", err)
			}
			continue
		}
		r.steps = append(r.steps, s)
	}
	if rs.pattern != "" {
		re, err := regexp.Compile(rs.pattern)
		if err != nil {
			c.fail(rs.line, rs.col, "pattern: %v", err)
		}
		r.pattern = re
	}
	if rs.onInvalid != "" {
		if !contains(onInvalidModes, rs.onInvalid) {
			c.fail(rs.line, rs.col, "onInvalid %q: want one of %s", rs.onInvalid, strings.Join(onInvalidModes, ", "))
		}
		r.lenient = rs.onInvalid == "finding"
	}
	c.compileOptions(r, rs)
	c.checkOutputs(r, rs, line, col)
	n := len(rs.transforms)
	r.fitted = (r.constant != nil && len(r.steps) == 0) || (n > 0 && rs.transforms[n-1].name == "lookup")
	r.plain = r.tgt.kind == leafString && r.tgt.direct && !r.surname && !r.tgt.postcode &&
		(r.fitted || len(r.tgt.enum) == 0)
	r.kind, r.offset = r.tgt.kind, r.tgt.offset
	r.bare = r.constant == nil && len(r.steps) == 0 && r.pattern == nil
	if len(r.from) == 1 {
		r.col, r.abs = r.from[0].col, r.from[0].abs
	}
	return r
}

// surnameTarget sets up a surname split: the target is a surname field with a "...Prefix" sibling.
func (c *compiler) surnameTarget(r *rule, t reflect.Type) error {
	if r.tgt.kind != leafString || !strings.HasSuffix(strings.ToLower(r.tgt.path), "surname") {
		return fmt.Errorf("splitSurname needs a surname target (name.surname, name.partnerSurname), not %q", r.tgt.path)
	}
	prefix, err := resolveTarget(t, r.tgt.path+"Prefix")
	if err != nil {
		return fmt.Errorf("splitSurname: %q has no voorvoegsel field: %v", r.tgt.path, err)
	}
	r.surname, r.tgt.prefix = true, prefix
	return nil
}

// houseNumberTarget sets up a house-number split: the target is a houseNumber with houseLetter and
// houseNumberAddition siblings.
func (c *compiler) houseNumberTarget(r *rule, t reflect.Type) error {
	if r.tgt.kind != leafInt || !strings.HasSuffix(r.tgt.path, "houseNumber") {
		return fmt.Errorf("splitHouseNumber needs a houseNumber target (addresses[0].houseNumber), not %q", r.tgt.path)
	}
	base := strings.TrimSuffix(r.tgt.path, "houseNumber")
	letter, err := resolveTarget(t, base+"houseLetter")
	if err != nil {
		return fmt.Errorf("splitHouseNumber: %v", err)
	}
	addition, err := resolveTarget(t, base+"houseNumberAddition")
	if err != nil {
		return fmt.Errorf("splitHouseNumber: %v", err)
	}
	r.houseNumber, r.tgt.letter, r.tgt.addition = true, letter, addition
	return nil
}

// compileOptions checks the options that belong to one kind of target.
func (c *compiler) compileOptions(r *rule, rs *ruleSpec) {
	k := r.tgt.kind
	if rs.date != "" {
		if k != leafDate {
			c.fail(rs.line, rs.col, "date: %q is not a date target", r.tgt.path)
		} else if err := checkLayout(rs.date); err != nil {
			c.fail(rs.line, rs.col, "date: %v", err)
		}
		r.date, r.layout = rs.date, compileDateLayout(rs.date)
	}
	if rs.boolCodes != "" && k != leafBool {
		c.fail(rs.line, rs.col, "bool: %q is not a yes/no target", r.tgt.path)
	}
	if k == leafBool {
		name := rs.boolCodes
		if name == "" {
			name = "any"
		}
		codes, ok := boolCodes[name]
		if !ok {
			c.fail(rs.line, rs.col, "bool %q: want one of %s", name, strings.Join(sortedKeys(boolCodes), ", "))
		}
		r.boolTrue, r.boolFalse = codes[0], codes[1]
	}
	if rs.split != nil {
		if k != leafStrings {
			c.fail(rs.line, rs.col, "split: %q is not a list of values", r.tgt.path)
		}
		r.split = *rs.split
	}
	if rs.issuer != "" {
		if k != leafIdentifier {
			c.fail(rs.line, rs.col, "issuer: %q is not an identifier target", r.tgt.path)
		}
		r.issuer = rs.issuer
	}
}

// checkOutputs checks at load time what can be checked of the values a rule writes: its default, its constant
// and every value of a code list it ends with must fit the target.
func (c *compiler) checkOutputs(r *rule, rs *ruleSpec, line, col int) {
	check := func(what, v string) {
		if err := r.fits(v); err != nil {
			c.fail(line, col, "%s %q does not fit target %s: %v", what, v, r.tgt.path, err)
		}
	}
	if r.def != nil {
		check("default", *r.def)
	}
	if r.constant != nil && len(r.steps) == 0 {
		check("value", *r.constant)
	}
	if n := len(rs.transforms); n > 0 && rs.transforms[n-1].name == "lookup" {
		if l := c.lookups[rs.transforms[n-1].arg]; l != nil {
			for _, v := range l.outputs() {
				if v != "" {
					check("code list "+l.name+" value", v)
				}
			}
		}
	}
}

// fits reports whether a value can be written to the rule's target.
func (r *rule) fits(v string) error {
	switch r.tgt.kind {
	case leafString:
		if !r.tgt.allows(v) {
			return fmt.Errorf("want one of %s", strings.Join(r.tgt.enum, ", "))
		}
		return nil
	case leafInt:
		var probe int
		return r.convert(nil, unsafe.Pointer(&probe), v)
	case leafDate:
		var probe *canonical.PartialDate
		return r.convert(nil, unsafe.Pointer(&probe), v)
	case leafBool:
		var probe *bool
		return r.convert(nil, unsafe.Pointer(&probe), v)
	}
	return nil
}

// checkLayout accepts a date layout of Y, M and D runs with separators, with a four-digit year.
func checkLayout(layout string) error {
	if !strings.Contains(layout, "YYYY") {
		return fmt.Errorf("layout %q has no YYYY", layout)
	}
	for _, r := range layout {
		if r != 'Y' && r != 'M' && r != 'D' && r != '-' && r != '/' && r != '.' && r != ' ' {
			return fmt.Errorf("layout %q: only Y, M, D and the separators - / . and space", layout)
		}
	}
	if strings.Count(layout, "Y") != 4 || (strings.Count(layout, "M") != 0 && strings.Count(layout, "M") != 2) ||
		(strings.Count(layout, "D") != 0 && strings.Count(layout, "D") != 2) {
		return fmt.Errorf("layout %q: want YYYY, MM and DD", layout)
	}
	return nil
}

// compileConds compiles a rule's or block's conditions.
func (c *compiler) compileConds(specs []*condSpec) []*cond {
	var out []*cond
	for _, cs := range specs {
		p, err := c.source(cs.field, cs.line)
		if err != nil {
			if cs.field != "" {
				c.fail(cs.line, cs.col, "when: %v", err)
			}
			continue
		}
		cd := &cond{field: p, op: condOpNames[cs.op], values: cs.values}
		if cs.op == "matches" {
			if len(cs.values) != 1 {
				c.fail(cs.line, cs.col, "when matches: give one regular expression")
				continue
			}
			re, err := regexp.Compile(cs.values[0])
			if err != nil {
				c.fail(cs.line, cs.col, "when matches: %v", err)
				continue
			}
			cd.re, cd.shape = re, compileShape(cs.values[0])
		}
		if (cs.op == "equals" || cs.op == "notEquals") && len(cs.values) != 1 {
			c.fail(cs.line, cs.col, "when %s: give one value (use in/notIn for several)", cs.op)
			continue
		}
		out = append(out, cd)
	}
	return out
}

// holds reports whether every condition holds in the scope.
func holds(conds []*cond, sc *scope) bool {
	for _, cd := range conds {
		v, _, ok := sc.read(&cd.field)
		var r bool
		switch cd.op {
		case opPresent:
			r = ok
		case opAbsent:
			r = !ok
		case opEquals:
			r = ok && v == cd.values[0]
		case opNotEquals:
			r = !ok || v != cd.values[0]
		case opIn:
			r = ok && contains(cd.values, v)
		case opNotIn:
			r = !ok || !contains(cd.values, v)
		case opMatches:
			if cd.shape != nil {
				r = ok && cd.shape.match(v)
			} else {
				r = ok && cd.re.MatchString(v)
			}
		}
		if !r {
			return false
		}
	}
	return true
}

// joinSorted joins load errors in file order.
func joinSorted(errs []error) error {
	sort.SliceStable(errs, func(i, j int) bool {
		a, aok := errs[i].(*LoadError)
		b, bok := errs[j].(*LoadError)
		if !aok || !bok {
			return false
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return errors.Join(errs...)
}
