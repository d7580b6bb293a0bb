package mappings

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

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
	if rec.Root == nil {
		return canonical.Record{}, &Error{File: m.file, Rule: "record", Position: rec.Position, Err: ErrNoTree}
	}
	s := statePool.Get().(*mapState)
	defer s.release()
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
	s.root = scope{node: rec.Root, root: rec.Root}
	if m.localID != nil {
		if v, ok := s.eval(m.localID, &s.root); ok {
			prov.LocalID = v
		}
	}
	s.prov = prov
	s.out.Provenance = prov
	for _, b := range m.lists {
		s.runList(b, s.outVal, &s.root)
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
var statePool = sync.Pool{New: func() any {
	s := &mapState{}
	s.provVal = reflect.ValueOf(&s.prov).Elem()
	s.outVal = reflect.ValueOf(&s.out).Elem()
	return s
}}

// mapState is the work of one Map call.
type mapState struct {
	m       *Mapping
	pos     adapters.Position
	prov    canonical.Provenance
	provVal reflect.Value // prov, to copy into elements without boxing it each time
	out     canonical.Record
	outVal  reflect.Value // out, the root the lists append to
	root    scope
	errs    Errors
}

// release clears the state, keeping nothing of the record, and returns it to the pool.
func (s *mapState) release() {
	s.m, s.pos, s.prov, s.out, s.root = nil, adapters.Position{}, canonical.Provenance{}, canonical.Record{}, scope{}
	clear(s.errs)
	s.errs = s.errs[:0]
	statePool.Put(s)
}

// runList builds the block's elements in the scope and appends them to the parent's list.
func (s *mapState) runList(b *block, parent reflect.Value, sc *scope) bool {
	if b.foreach == nil {
		return holds(b.when, sc) && s.appendElem(b, parent, sc)
	}
	any := false
	for i, n := range sc.all(b.foreach) {
		c := &scope{node: n, root: sc.root, parent: sc, step: b.foreach.raw, index: i + 1}
		if holds(b.when, c) && s.appendElem(b, parent, c) {
			any = true
		}
	}
	return any
}

// appendElem fills a new element in place at the end of the parent's list, and takes it back off when no rule
// set anything in it.
func (s *mapState) appendElem(b *block, parent reflect.Value, sc *scope) bool {
	list := b.list.locate(parent)
	n := list.Len()
	grow(list)
	if s.fill(b, list.Index(n), sc) {
		return true
	}
	list.Index(n).SetZero()
	list.SetLen(n)
	return false
}

// fill runs a block's rules on a new element and reports whether any rule set something: an element nothing
// was found for is left out.
func (s *mapState) fill(b *block, elem reflect.Value, sc *scope) bool {
	if b.provIndex >= 0 {
		pv := elem.Field(b.provIndex)
		pv.Set(s.provVal)
		if b.id != nil {
			if v, ok := s.eval(b.id, sc); ok {
				pv.Addr().Interface().(*canonical.Provenance).LocalID = v
			}
		}
	}
	set := false
	for _, r := range b.rules {
		if !holds(r.when, sc) {
			continue
		}
		if r.tgt.kind == leafStrings && len(r.from) == 1 {
			if s.setAll(r, elem, sc) {
				set = true
			}
			continue
		}
		v, ok := s.eval(r, sc)
		if !ok {
			continue
		}
		if s.set(r, elem, v, sc) {
			set = true
		}
	}
	for _, lb := range b.lists {
		if s.runList(lb, elem, sc) {
			set = true
		}
	}
	if b.person != nil && holds(b.person.when, sc) {
		pe := reflect.New(typePerson).Elem()
		if s.fill(b.person, pe, sc) {
			p := pe.Interface().(canonical.Person)
			s.out.Persons = append(s.out.Persons, p)
			elem.Field(b.personIndex).SetString(p.Provenance.LocalID)
			set = true
		}
	}
	if set && b.typ == typeIdentifier {
		id := elem.Addr().Interface().(*canonical.Identifier)
		if id.Scheme == canonical.SchemeBSN {
			s.bsn(id, sc.fieldPath(""))
		}
	}
	return set
}

// eval reads a rule's value: the source field(s) or constant, the default when absent, then the transforms and
// the pattern. It reports false when there is no value (recording an error for a required one).
func (s *mapState) eval(r *rule, sc *scope) (string, bool) {
	var v string
	present := false
	switch {
	case r.constant != nil:
		v, present = *r.constant, *r.constant != ""
	case len(r.from) == 1:
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
	if !present {
		return s.missing(r, sc)
	}
	return s.process(r, sc, v)
}

// setAll appends every value a list-of-values rule's path leads to, each through the transforms.
func (s *mapState) setAll(r *rule, elem reflect.Value, sc *scope) bool {
	set := false
	sc.each(&r.from[0], func(n *adapters.Node) {
		if noValue(n) {
			return
		}
		v := strings.TrimSpace(n.Text)
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
func (s *mapState) set(r *rule, elem reflect.Value, v string, sc *scope) bool {
	t := r.tgt
	switch t.kind {
	case leafIdentifier:
		ids := t.locate(elem).Addr().Interface().(*[]canonical.Identifier)
		id := canonical.Identifier{Scheme: t.scheme, Issuer: r.issuer, Value: v}
		if t.scheme == canonical.SchemeBSN {
			s.bsn(&id, sc.fieldPath(r.fromRaw))
		}
		*ids = append(*ids, id)
		return true
	case leafStrings:
		list := t.locate(elem).Addr().Interface().(*[]string)
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
			t.locate(elem).SetString(surname)
			if prefix != "" {
				t.prefix.locate(elem).SetString(prefix)
			}
			return true
		}
		if !t.allows(v) {
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
		t.locate(elem).SetString(v)
		return true
	}
	if r.houseNumber {
		n, letter, addition, err := canonical.ParseHouseNumber(v)
		if err != nil {
			s.invalid(r, sc, errorf(ErrInvalidValue, "value of '%s' is not a house number", sc.fieldPath(r.fromRaw)))
			return false
		}
		t.locate(elem).SetInt(int64(n))
		if letter != "" {
			t.letter.locate(elem).SetString(letter)
		}
		if addition != "" {
			t.addition.locate(elem).SetString(addition)
		}
		return true
	}
	if err := r.convert(t.locate(elem), v); err != nil {
		s.invalid(r, sc, errorf(ErrInvalidValue, "value of '%s' %v", sc.fieldPath(r.fromRaw), err))
		return false
	}
	return true
}

// convert writes v into an int, date or yes/no field.
func (r *rule) convert(f reflect.Value, v string) error {
	switch r.tgt.kind {
	case leafInt:
		n, err := strconv.Atoi(v)
		if err != nil {
			return errors.New("is not an integer")
		}
		f.SetInt(int64(n))
	case leafDate:
		var d canonical.PartialDate
		var err error
		if r.date != "" {
			d, err = canonical.ParseDateLayout(v, r.date)
		} else {
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
		f.Set(reflect.ValueOf(&d))
	case leafBool:
		var b bool
		switch {
		case containsFold(r.boolTrue, v):
			b = true
		case containsFold(r.boolFalse, v):
		default:
			return fmt.Errorf("is not one of %s / %s", strings.Join(r.boolTrue, ", "), strings.Join(r.boolFalse, ", "))
		}
		f.Set(reflect.ValueOf(&b))
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// bsn normalises a BSN identifier; one that fails is kept, marked invalid, with a finding.
func (s *mapState) bsn(id *canonical.Identifier, path string) {
	norm, f := canonical.BSNIdentifier(id.Value, path)
	if norm.Value == "" {
		return
	}
	id.Value, id.Invalid = norm.Value, norm.Invalid
	if f != nil {
		s.out.Findings = append(s.out.Findings, *f)
	}
}

// stepError words a transform's failure for the field it read.
func stepError(err error, field string) error {
	var re *ruleError
	if errors.As(err, &re) {
		return errorf(re.kind, "value of '%s' %s", field, re.msg)
	}
	return errorf(ErrInvalidValue, "value of '%s': %v", field, err)
}
