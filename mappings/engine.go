package mappings

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/canonical"
)

// ErrNoTree means a record reached Map without a node tree.
var ErrNoTree = errors.New("record has no tree")

// Finding codes the mapping engine writes.
const (
	FindingPostcodeInvalid = "postcode-invalid" // a postcode not of the form 1234AB, kept as received
	FindingMappingInvalid  = "mapping-invalid"  // a value dropped by a rule with onInvalid: finding
)

// Map maps one adapter record to a canonical record. prov carries what the caller knows of the record's origin:
// ReceivedAt and MessageID as the intake recorded them, and Source and Partner, which default to the mapping's.
// The record's LocalID comes from the mapping's localId rule when it has one, else from prov. Every person and
// case gets the record's provenance with its own local id.
//
// The adapter's findings are carried into the canonical record, after which come the mapping's own (an invalid
// BSN, a malformed postcode). When rules fail, Map returns an *Error, or Errors when several failed, and no
// record: a record maps whole or not at all.
func (m *Mapping) Map(rec adapters.Record, prov canonical.Provenance) (canonical.Record, error) {
	root, row := rec.Root, (*adapters.Columns)(nil)
	if root == nil && rec.Columns != nil {
		// A mapping that reads only columns maps them as they are; any other needs the tree.
		if m.flat {
			row = rec.Columns
		} else {
			root = rec.Tree()
		}
	}
	if root == nil && row == nil {
		return canonical.Record{}, &Error{File: m.file, Rule: "record", Position: rec.Position, Err: ErrNoTree}
	}
	s := statePool.Get().(*mapState)
	defer s.release()
	if rec.Columns != nil {
		if err := s.header.check(m, rec.Columns.Names); err != nil {
			err.Position = rec.Position
			return canonical.Record{}, err
		}
	}
	s.m, s.pos = m, rec.Position
	if prov.Source == "" {
		prov.Source = m.source
	}
	if prov.Partner == "" {
		prov.Partner = m.partner
	}
	s.out.ModelVersion = canonical.ModelVersion
	if len(rec.Findings) > 0 {
		s.out.Findings = append(s.out.Findings, rec.Findings...)
	}
	if row != nil {
		s.root = scope{row: row, cols: s.cols.ofRow(m, row)}
	} else {
		s.root = scope{node: root, root: root, cols: s.cols.of(m, root)}
	}
	if m.localID != nil {
		if v, ok := s.eval(m.localID, &s.root); ok {
			prov.LocalID = v
		}
	}
	s.prov = prov
	s.out.Provenance = prov
	for _, b := range m.lists {
		s.runList(b, unsafe.Pointer(&s.out), &s.root)
	}
	switch len(s.errs) {
	case 0:
		return s.out, nil
	case 1:
		return canonical.Record{}, s.errs[0]
	}
	return canonical.Record{}, append(Errors(nil), s.errs...)
}

// statePool keeps mapStates between calls: a state holds the record being built and is large, so Map would
// otherwise allocate one for each record.
var statePool = sync.Pool{New: func() any { return &mapState{} }}

// mapState is the work of one Map call.
type mapState struct {
	m    *Mapping
	pos  adapters.Position
	prov canonical.Provenance
	out  canonical.Record
	root scope
	errs Errors
	cols columns
	// header is the check of the last header met (see headerCheck).
	header headerCheck
	// rooms hold the elements of the records' lists, allocated a few at a time.
	rooms rooms
	// dates and flags are room for the values of date and yes/no fields, taken one by one: a mapped record
	// refers to its own, which are never handed out again.
	dates []canonical.PartialDate
	flags []bool
}

// release clears the state, keeping nothing of the record, and returns it to the pool. The record built is
// cleared field by field: its lists, without the whole of it.
func (s *mapState) release() {
	s.m, s.pos, s.prov, s.root = nil, adapters.Position{}, canonical.Provenance{}, scope{}
	s.out.Provenance = canonical.Provenance{}
	s.out.Persons, s.out.Cases, s.out.Partners, s.out.Findings = nil, nil, nil, nil
	s.cols.done()
	clear(s.errs)
	s.errs = s.errs[:0]
	statePool.Put(s)
}

// runList builds the block's elements in the scope and appends them to the parent's list.
func (s *mapState) runList(b *block, parent unsafe.Pointer, sc *scope) bool {
	if b.foreach == nil {
		return holds(b.when, sc) && s.appendElem(b, parent, sc)
	}
	any := false
	for i, n := range sc.all(b.foreach) {
		c := &scope{node: n, root: sc.root, cols: sc.cols, parent: sc, step: b.foreach.raw, index: i + 1}
		if holds(b.when, c) && s.appendElem(b, parent, c) {
			any = true
		}
	}
	return any
}

// appendElem fills a new element in place at the end of the parent's list, and takes it back off when no rule
// set anything in it.
func (s *mapState) appendElem(b *block, parent unsafe.Pointer, sc *scope) bool {
	list := b.list.locate(&s.rooms, parent)
	if s.fill(b, b.list.list.push(&s.rooms, list), sc) {
		return true
	}
	b.list.list.pop(list)
	return false
}

// fill runs a block's rules on a new element, which points to a value of the block's type, and reports whether
// any rule set something: an element nothing was found for is left out.
func (s *mapState) fill(b *block, elem unsafe.Pointer, sc *scope) bool {
	if b.provIndex >= 0 {
		pv := (*canonical.Provenance)(unsafe.Add(elem, b.provOffset))
		*pv = s.prov
		if b.id != nil {
			if v, ok := s.eval(b.id, sc); ok {
				pv.LocalID = v
			}
		}
	}
	set := false
	for _, r := range b.rules {
		if len(r.when) > 0 && !holds(r.when, sc) {
			continue
		}
		if r.kind == leafStrings && len(r.from) == 1 {
			if s.setAll(r, elem, sc) {
				set = true
			}
			continue
		}
		v, ok := s.eval(r, sc)
		if !ok {
			continue
		}
		if r.plain {
			// What set does for such a rule, without its cases.
			*(*string)(unsafe.Add(elem, r.offset)) = v
			set = true
		} else if s.set(r, elem, v, sc) {
			set = true
		}
	}
	for _, lb := range b.lists {
		if s.runList(lb, elem, sc) {
			set = true
		}
	}
	if b.person != nil && holds(b.person.when, sc) {
		// The person is built in place at the end of the record's persons: nothing else adds a person while it
		// is filled, a person having no involvements.
		persons := unsafe.Pointer(&s.out.Persons)
		if s.fill(b.person, personOps.push(&s.rooms, persons), sc) {
			p := &s.out.Persons[len(s.out.Persons)-1]
			*(*string)(unsafe.Add(elem, b.personOffset)) = p.Provenance.LocalID
			set = true
		} else {
			personOps.pop(persons)
		}
	}
	if set && b.typ == typeIdentifier {
		id := (*canonical.Identifier)(elem)
		if id.Scheme == canonical.SchemeBSN {
			*id = s.bsn(*id, "", sc)
		}
	}
	return set
}

// personOps and identifierOps are the operations on lists of persons and identifiers.
var (
	personOps     = opsOf(typePerson)
	identifierOps = opsOf(typeIdentifier)
)

// eval reads a rule's value: the source field(s) or constant, the default when absent, then the transforms and
// the pattern. It reports false when there is no value (recording an error for a required one).
func (s *mapState) eval(r *rule, sc *scope) (string, bool) {
	var v string
	present := false
	switch {
	case r.constant != nil:
		v, present = *r.constant, *r.constant != ""
	case len(r.from) == 1:
		if c := sc.cols; r.col > 0 && c != nil && (r.abs || sc.node == sc.root) {
			// sc.read of a column read before in this record, written out: the most frequent read.
			if cr := &c.reads[r.col-1]; cr.gen == c.gen && cr.ok {
				v, present = c.text(c.index[r.col-1])[cr.from:cr.to], true
				break
			}
			v, _, present = c.load(r.col - 1)
			break
		}
		v, _, present = sc.read(&r.from[0])
	default:
		var b strings.Builder
		for i := range r.from {
			part, _, ok := sc.read(&r.from[i])
			if !ok {
				continue
			}
			if present {
				b.WriteString(r.separator)
			}
			b.WriteString(part)
			present = true
		}
		v = b.String()
	}
	switch {
	case !present:
		return s.missing(r, sc)
	case r.bare:
		return v, true
	}
	return s.process(r, sc, v)
}

// setAll appends every value a list-of-values rule's path leads to, each through the transforms.
func (s *mapState) setAll(r *rule, elem unsafe.Pointer, sc *scope) bool {
	set := false
	sc.eachText(&r.from[0], func(text string, noValue bool) {
		if noValue {
			return
		}
		v := trimSpace(text)
		if v == "" {
			return
		}
		if v, ok := s.process(r, sc, v); ok && s.set(r, elem, v, sc) {
			set = true
		}
	})
	if !set {
		if v, ok := s.missing(r, sc); ok {
			set = s.set(r, elem, v, sc)
		}
	}
	return set
}

// process runs a present value through the transforms and the pattern.
func (s *mapState) process(r *rule, sc *scope, v string) (string, bool) {
	if r.constant == nil || len(r.steps) > 0 {
		var err error
		for _, st := range r.steps {
			if v, err = st.fn(v); err != nil {
				s.invalid(r, sc, stepError(err, sc.fieldPath(r.fromRaw)))
				return "", false
			}
		}
		if v == "" {
			return s.missing(r, sc)
		}
	}
	if r.pattern != nil && !r.pattern.MatchString(v) {
		s.invalid(r, sc, errorf(ErrPattern, "value of '%s' does not match %s", sc.fieldPath(r.fromRaw), r.pattern))
		return "", false
	}
	return v, true
}

// missing applies the default of an absent value, or records a required field as missing.
func (s *mapState) missing(r *rule, sc *scope) (string, bool) {
	if r.def != nil {
		return *r.def, *r.def != ""
	}
	if r.required {
		s.fail(r, sc, sc.line(), errorf(ErrRequired, "required field '%s' missing", sc.fieldPath(r.fromRaw)))
	}
	return "", false
}

// invalid records a value that cannot be used: an error, or a finding for a lenient rule.
func (s *mapState) invalid(r *rule, sc *scope, err error) {
	line := sc.line()
	if len(r.from) > 0 {
		if n := sc.first(&r.from[0]); n != nil && n.Line > 0 {
			line = n.Line
		}
	}
	if r.lenient {
		s.out.Findings = append(s.out.Findings, canonical.Finding{
			Code: FindingMappingInvalid, Path: sc.fieldPath(r.fromRaw),
			Message: fmt.Sprintf("rule %s: %v; value left out", r.name, err),
		})
		return
	}
	s.fail(r, sc, line, err)
}

func (s *mapState) fail(r *rule, sc *scope, line int, err error) {
	pos := s.pos
	if line > 0 {
		pos.Line, pos.Column = line, 0
	}
	s.errs = append(s.errs, &Error{File: s.m.file, Line: r.line, Rule: r.name, Field: sc.fieldPath(r.fromRaw), Position: pos, Err: err})
}

// set writes a value to the rule's target in elem and reports whether it did.
func (s *mapState) set(r *rule, elem unsafe.Pointer, v string, sc *scope) bool {
	t := r.tgt
	switch t.kind {
	case leafIdentifier:
		ids := (*[]canonical.Identifier)(t.locate(&s.rooms, elem))
		id := canonical.Identifier{Scheme: t.scheme, Issuer: r.issuer, Value: v}
		if t.scheme == canonical.SchemeBSN {
			id = s.bsn(id, r.fromRaw, sc)
		}
		*(*canonical.Identifier)(identifierOps.push(&s.rooms, unsafe.Pointer(ids))) = id
		return true
	case leafStrings:
		list := (*[]string)(t.locate(&s.rooms, elem))
		if r.split == "" {
			*list = append(*list, v)
			return true
		}
		n := 0
		for p := range strings.SplitSeq(v, r.split) {
			if p = strings.TrimSpace(p); p != "" {
				if n == 0 {
					// Room for every part at once; only now, so that a value of empty parts leaves the list as it was.
					*list = slices.Grow(*list, strings.Count(v, r.split)+1)
				}
				*list = append(*list, p)
				n++
			}
		}
		return n > 0
	case leafString:
		if r.surname {
			prefix, surname := canonical.SplitSurname(v)
			if surname == "" {
				return false
			}
			*(*string)(t.locate(&s.rooms, elem)) = surname
			if prefix != "" {
				*(*string)(t.prefix.locate(&s.rooms, elem)) = prefix
			}
			return true
		}
		if !r.fitted && !t.allows(v) {
			s.invalid(r, sc, errorf(ErrInvalidValue, "value of '%s' is not one of %s", sc.fieldPath(r.fromRaw), strings.Join(t.enum, ", ")))
			return false
		}
		if t.postcode {
			pc, ok := canonical.NormalizePostcode(v)
			if !ok {
				s.out.Findings = append(s.out.Findings, canonical.Finding{Code: FindingPostcodeInvalid,
					Path: sc.fieldPath(r.fromRaw), Message: "postcode is not of the form 1234AB; kept as received"})
				pc = v
			}
			v = pc
		}
		*(*string)(t.locate(&s.rooms, elem)) = v
		return true
	}
	if r.houseNumber {
		n, letter, addition, err := canonical.ParseHouseNumber(v)
		if err != nil {
			s.invalid(r, sc, errorf(ErrInvalidValue, "value of '%s' is not a house number", sc.fieldPath(r.fromRaw)))
			return false
		}
		*(*int)(t.locate(&s.rooms, elem)) = n
		if letter != "" {
			*(*string)(t.letter.locate(&s.rooms, elem)) = letter
		}
		if addition != "" {
			*(*string)(t.addition.locate(&s.rooms, elem)) = addition
		}
		return true
	}
	if err := r.convert(s, t.locate(&s.rooms, elem), v); err != nil {
		s.invalid(r, sc, errorf(ErrInvalidValue, "value of '%s' %v", sc.fieldPath(r.fromRaw), err))
		return false
	}
	return true
}

// convert writes v into the int, date or yes/no field at f. The date and the flag are taken from s's room, or
// allocated when s is nil.
func (r *rule) convert(s *mapState, f unsafe.Pointer, v string) error {
	switch r.tgt.kind {
	case leafInt:
		n, err := strconv.Atoi(v)
		if err != nil {
			return errors.New("is not an integer")
		}
		*(*int)(f) = n
	case leafDate:
		var d canonical.PartialDate
		var err error
		ok := false
		if r.layout != nil {
			d, ok = r.layout.parse(v)
		}
		switch {
		case ok:
		case r.date != "":
			d, err = canonical.ParseDateLayout(v, r.date)
		default:
			d, err = canonical.ParseDate(v)
		}
		if err != nil {
			if r.date != "" {
				return fmt.Errorf("is not a date of layout %s", r.date)
			}
			return errors.New("is not a date")
		}
		if d.IsZero() {
			return nil
		}
		*(**canonical.PartialDate)(f) = s.newDate(d)
	case leafBool:
		var b bool
		switch {
		case containsFold(r.boolTrue, v):
			b = true
		case containsFold(r.boolFalse, v):
		default:
			return fmt.Errorf("is not one of %s / %s", strings.Join(r.boolTrue, ", "), strings.Join(r.boolFalse, ", "))
		}
		*(**bool)(f) = s.newFlag(b)
	}
	return nil
}

// newDate returns a new date holding d.
func (s *mapState) newDate(d canonical.PartialDate) *canonical.PartialDate {
	if s == nil {
		p := new(canonical.PartialDate)
		*p = d
		return p
	}
	if len(s.dates) == 0 {
		s.dates = make([]canonical.PartialDate, 64)
	}
	p := &s.dates[0]
	*p, s.dates = d, s.dates[1:]
	return p
}

// newFlag returns a new yes/no value holding b.
func (s *mapState) newFlag(b bool) *bool {
	if s == nil {
		p := new(bool)
		*p = b
		return p
	}
	if len(s.flags) == 0 {
		s.flags = make([]bool, 64)
	}
	p := &s.flags[0]
	*p, s.flags = b, s.flags[1:]
	return p
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// bsn normalises a BSN identifier; one that fails is kept, marked invalid, with a finding naming the field the
// rule read (from, in the scope).
func (s *mapState) bsn(id canonical.Identifier, from string, sc *scope) canonical.Identifier {
	if canonical.IsNormalBSN(id.Value) {
		// canonical.BSNIdentifier would give it back as it is, valid, only as a copy.
		id.Invalid = false
		return id
	}
	norm, f := canonical.BSNIdentifier(id.Value, "")
	if norm.Value == "" {
		return id
	}
	id.Value, id.Invalid = norm.Value, norm.Invalid
	if f != nil {
		f.Path = sc.fieldPath(from)
		s.out.Findings = append(s.out.Findings, *f)
	}
	return id
}

// stepError words a transform's failure for the field it read.
func stepError(err error, field string) error {
	var re *ruleError
	if errors.As(err, &re) {
		return errorf(re.kind, "value of '%s' %s", field, re.msg)
	}
	return errorf(ErrInvalidValue, "value of '%s': %v", field, err)
}

// headerCheck remembers, for the last mapping and header it checked, the first column the mapping reads that the
// header lacks; the rows of an input share their header's names (the same slice), so each input is checked once.
type headerCheck struct {
	m       *Mapping
	names   *string // the header's names, by their first element
	n       int
	missing int // index in m.columns of the first column missing, or -1
}

// check returns an error when m reads a column that names, the column names of a record that came as columns,
// lack. The error names the column, the rule that reads it and the columns the input has.
func (h *headerCheck) check(m *Mapping, names []string) *Error {
	if h.m != m || h.n != len(names) || h.names != unsafe.SliceData(names) {
		h.m, h.names, h.n, h.missing = m, unsafe.SliceData(names), len(names), -1
		for i, c := range m.columns {
			if !slices.Contains(names, c) {
				h.missing = i
				break
			}
		}
	}
	if h.missing < 0 {
		return nil
	}
	col := m.columns[h.missing]
	return &Error{File: m.file, Line: m.columnLines[h.missing], Rule: "from", Field: col,
		Err: errorf(ErrUnknownColumn, "column %q is not in the input, whose columns are %s", col, strings.Join(quoted(names), ", "))}
}

// quoted returns each name in double quotes.
func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}
