package mappings

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/ketenpoort/ketenpoort/canonical"
)

// leafKind is how a value is written into a canonical field.
type leafKind int

const (
	leafString      leafKind = iota // string and named string types
	leafInt                         // int
	leafDate                        // *canonical.PartialDate
	leafBool                        // *bool
	leafStrings                     // []string: the value is appended
	leafIdentifier                  // identifiers[scheme]: an Identifier is appended
	leafList                        // []struct: only as the target of a list block
	leafUnsupported                 // a field no rule may set (time.Time)
)

var (
	typePartialDate = reflect.TypeOf(canonical.PartialDate{})
	typeIdentifier  = reflect.TypeOf(canonical.Identifier{})
	typeProvenance  = reflect.TypeOf(canonical.Provenance{})
	typePerson      = reflect.TypeOf(canonical.Person{})
	typeInvolvement = reflect.TypeOf(canonical.Involvement{})
	typeRecord      = reflect.TypeOf(canonical.Record{})
	typeCase        = reflect.TypeOf(canonical.Case{})
)

// fieldStep is one step from a struct to a field inside it: the field, then through a pointer (allocated when
// nil) or into a list element (the list grown when short). The offset and the list's operations are taken from
// the field's type when the path is compiled, so that a record is mapped without reflection.
type fieldStep struct {
	offset uintptr      // of the field in its struct
	ptr    bool         // the field is a pointer to a structure, allocated when nil
	ptrTo  reflect.Type // the structure it points to
	slice  bool         // the field is a list; the step goes into its element elem
	elem   int
	list   *listOps // the list's element operations, for a slice step
}

// target is a compiled canonical path: how to reach the field from the element a block builds, and what kind of
// value it takes.
type target struct {
	path     string
	steps    []fieldStep
	kind     leafKind
	typ      reflect.Type // the leaf field's type; for leafList the element type
	enum     []string     // allowed values, from the model's jsonschema tag
	scheme   canonical.IdentifierScheme
	prefix   *target  // for a surname split: the sibling voorvoegsel field
	letter   *target  // for a house-number split: the huisletter field
	addition *target  // for a house-number split: the toevoeging field
	postcode bool     // a postcode field: normalised on the way in
	list     *listOps // for leafList: the operations on the list's elements
	direct   bool     // no step goes through a pointer or into a list: the field is at offset
	offset   uintptr
}

// compiled completes a target whose steps are known.
func (t *target) compiled() *target {
	t.direct, t.offset = true, 0
	for _, st := range t.steps {
		if st.ptr || st.slice {
			t.direct, t.offset = false, 0
			break
		}
		t.offset += st.offset
	}
	return t
}

// locate returns the leaf field in the structure at p, allocating pointers and growing lists on the way, with
// elements from rs (nil: none). p points to a value of the type the target was compiled for.
func (t *target) locate(rs *rooms, p unsafe.Pointer) unsafe.Pointer {
	if t.direct {
		return unsafe.Add(p, t.offset)
	}
	for i := range t.steps {
		st := &t.steps[i]
		p = unsafe.Add(p, st.offset)
		if st.ptr {
			pp := (*unsafe.Pointer)(p)
			if *pp == nil {
				*pp = reflect.New(st.ptrTo).UnsafePointer()
			}
			p = *pp
		}
		if st.slice {
			p = st.list.at(rs, p, st.elem)
		}
	}
	return p
}

// allows reports whether value is one of the target's allowed values; any value is allowed without a list.
func (t *target) allows(value string) bool {
	if len(t.enum) == 0 {
		return true
	}
	for _, e := range t.enum {
		if e == value {
			return true
		}
	}
	return false
}

// jsonName returns the JSON name of a struct field, or "" when it has none.
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag == "-" || !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return f.Name
	}
	return name
}

// enumOf returns the non-empty "enum=" values of a field's jsonschema tag.
func enumOf(f reflect.StructField) []string {
	var out []string
	for _, part := range strings.Split(f.Tag.Get("jsonschema"), ",") {
		if v, ok := strings.CutPrefix(part, "enum="); ok && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// fieldByJSON finds the struct field with the given JSON name.
func fieldByJSON(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if jsonName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// schemes are the identifier schemes a target "identifiers[scheme]" may name.
func schemes() []string {
	f, _ := fieldByJSON(typeIdentifier, "scheme")
	return enumOf(f)
}

// resolveTarget compiles a canonical path relative to the struct type t: "name.surname", "addresses[0].postcode",
// "identifiers[bsn]", "plan.actions". It fails with a message fit for a LoadError.
func resolveTarget(t reflect.Type, path string) (*target, error) {
	tg, err := resolveSteps(t, path)
	if err != nil {
		return nil, err
	}
	return tg.compiled(), nil
}

// resolveSteps resolves a canonical path into the steps of a target.
func resolveSteps(t reflect.Type, path string) (*target, error) {
	if path == "" {
		return nil, fmt.Errorf("empty target")
	}
	tg := &target{path: path}
	cur := t
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		last := i == len(segs)-1
		name, index, hasIndex := seg, "", false
		if open := strings.IndexByte(seg, '['); open >= 0 {
			if !strings.HasSuffix(seg, "]") || open == 0 {
				return nil, fmt.Errorf("target %q: malformed segment %q", path, seg)
			}
			name, index, hasIndex = seg[:open], seg[open+1:len(seg)-1], true
		}
		f, ok := fieldByJSON(cur, name)
		if !ok {
			return nil, unknownTarget(t, path, name, cur)
		}
		st := fieldStep{offset: f.Offset}
		ft := f.Type
		switch {
		case ft.Kind() == reflect.Slice && ft.Elem() == typeIdentifier && hasIndex && !isNumber(index):
			if !last {
				return nil, fmt.Errorf("target %q: identifiers[%s] has no fields; it takes the value", path, index)
			}
			if !contains(schemes(), index) {
				return nil, fmt.Errorf("target %q: unknown identifier scheme %q (known: %s)", path, index,
					strings.Join(schemes(), ", "))
			}
			tg.steps = append(tg.steps, st)
			tg.kind, tg.typ, tg.scheme = leafIdentifier, ft, canonical.IdentifierScheme(index)
			return tg, nil
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			if !hasIndex {
				if !last {
					return nil, fmt.Errorf("target %q: %s is a list; give an index (%s[0]) or map it with a list block",
						path, name, name)
				}
				tg.steps = append(tg.steps, st)
				tg.kind, tg.typ, tg.list = leafList, ft.Elem(), opsOf(ft.Elem())
				return tg, nil
			}
			n, err := strconv.Atoi(index)
			if err != nil || n < 0 || n > 99 {
				return nil, fmt.Errorf("target %q: index %q of %s is not a number from 0 to 99", path, index, name)
			}
			if last {
				return nil, fmt.Errorf("target %q: %s[%d] is a structure; name one of its fields", path, name, n)
			}
			st.slice, st.elem, st.list = true, n, opsOf(ft.Elem())
			tg.steps = append(tg.steps, st)
			cur = ft.Elem()
			continue
		case hasIndex:
			return nil, fmt.Errorf("target %q: %s is not a list", path, name)
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct && ft.Elem() != typePartialDate:
			if last {
				return nil, fmt.Errorf("target %q: %s is a structure; name one of its fields", path, name)
			}
			st.ptr, st.ptrTo = true, ft.Elem()
			tg.steps = append(tg.steps, st)
			cur = ft.Elem()
			continue
		case ft.Kind() == reflect.Struct:
			if last {
				return nil, fmt.Errorf("target %q: %s is a structure; name one of its fields", path, name)
			}
			tg.steps = append(tg.steps, st)
			cur = ft
			continue
		}
		if !last {
			return nil, fmt.Errorf("target %q: %s has no fields", path, name)
		}
		tg.steps = append(tg.steps, st)
		tg.typ = ft
		tg.kind = kindOf(ft)
		if tg.kind == leafUnsupported {
			return nil, fmt.Errorf("target %q: %s cannot be set by a mapping", path, name)
		}
		tg.enum = enumOf(f)
		tg.postcode = name == "postcode"
	}
	return tg, nil
}

// kindOf classifies a leaf field type.
func kindOf(ft reflect.Type) leafKind {
	switch {
	case ft.Kind() == reflect.String:
		return leafString
	case ft.Kind() == reflect.Int:
		return leafInt
	case ft.Kind() == reflect.Pointer && ft.Elem() == typePartialDate:
		return leafDate
	case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Bool:
		return leafBool
	case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
		return leafStrings
	}
	return leafUnsupported
}

// unknownTarget explains an unknown field name and suggests the nearest known target.
func unknownTarget(root reflect.Type, path, name string, in reflect.Type) error {
	var names []string
	for i := 0; i < in.NumField(); i++ {
		if n := jsonName(in.Field(i)); n != "" {
			names = append(names, n)
		}
	}
	msg := fmt.Sprintf("unknown target field %q in %s", path, typeLabel(root))
	if best := nearest(name, names); best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return fmt.Errorf("%s; %s has: %s", msg, typeLabel(in), strings.Join(names, ", "))
}

// typeLabel names a canonical type for messages: "person", "case", "plan action".
func typeLabel(t reflect.Type) string {
	var b strings.Builder
	for i, r := range t.Name() {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte(' ')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// leafPaths lists every path a field rule may target in t, with [0] for list indexes and each identifier scheme;
// for the JSON Schema and for suggestions.
func leafPaths(t reflect.Type) []string {
	var out []string
	var walk func(t reflect.Type, prefix string, depth int)
	walk = func(t reflect.Type, prefix string, depth int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := jsonName(f)
			if name == "" {
				continue
			}
			ft := f.Type
			switch {
			case ft.Kind() == reflect.Slice && ft.Elem() == typeIdentifier:
				for _, s := range schemes() {
					out = append(out, prefix+name+"["+s+"]")
				}
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				if depth < 1 {
					walk(ft.Elem(), prefix+name+"[0].", depth+1)
				}
			case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct && ft.Elem() != typePartialDate:
				walk(ft.Elem(), prefix+name+".", depth)
			case ft.Kind() == reflect.Struct:
				walk(ft, prefix+name+".", depth)
			default:
				if kindOf(ft) != leafUnsupported {
					out = append(out, prefix+name)
				}
			}
		}
	}
	walk(t, "", 0)
	sort.Strings(out)
	return out
}

// listPaths lists the paths in t a list block may target: its lists of structures other than identifiers'
// scheme form, through nested structures ("plan.actions").
func listPaths(t reflect.Type) []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := jsonName(f)
			if name == "" {
				continue
			}
			ft := f.Type
			switch {
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				out = append(out, prefix+name)
			case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct && ft.Elem() != typePartialDate:
				walk(ft.Elem(), prefix+name+".")
			}
		}
	}
	walk(t, "")
	sort.Strings(out)
	return out
}

func isNumber(s string) bool { return allDigits(s) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// nearest returns the candidate closest to s by edit distance, or "" when none is close.
func nearest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+2
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// listOps are the operations the engine needs on a list of one element type, typed so that a record is mapped
// without reflection: append a zero element, take the last one back off, reach element i. A list that is
// still empty gets its first element from rooms, the caller's room for elements of that type, when it has one.
type listOps struct {
	// push appends a zero element to the list at p and returns the element.
	push func(rooms *rooms, p unsafe.Pointer) unsafe.Pointer
	// pop zeroes the last element of the list at p and removes it, keeping the list's room.
	pop func(p unsafe.Pointer)
	// at returns element i of the list at p, growing the list with zero elements when it is shorter.
	at func(rooms *rooms, p unsafe.Pointer, i int) unsafe.Pointer
}

// roomBytes is about how much a room allocates at once for elements of one type.
const roomBytes = 4 << 10

// rooms hold, per element type of the model's lists, elements allocated together and not yet used. An empty
// list takes its first element from there as a list of capacity one, so that most lists of a mapped record,
// which have one element, cost no allocation of their own; a second element moves the list out as append does.
// A mapped record refers to its own elements only: none is handed out twice.
type rooms [modelListTypes]any

// modelListTypes is the number of element types of the model's lists.
const modelListTypes = 12

// modelOps are the element types of the model's lists, each with typed operations and a room. Another element
// type gets operations through reflection (opsOf), which work the same, only slower and without room.
var modelOps = [modelListTypes]func(room int) (reflect.Type, *listOps){
	modelList[canonical.Person], modelList[canonical.Case], modelList[canonical.Partner],
	modelList[canonical.Identifier], modelList[canonical.Address], modelList[canonical.Involvement],
	modelList[canonical.CaseRole], modelList[canonical.PlanAction], modelList[canonical.Signal],
	modelList[canonical.Offence], modelList[canonical.Intervention], modelList[canonical.Finding],
}

var modelLists = func() map[reflect.Type]*listOps {
	m := make(map[reflect.Type]*listOps, len(modelOps))
	for room, list := range modelOps {
		t, ops := list(room)
		m[t] = ops
	}
	return m
}()

func modelList[T any](room int) (reflect.Type, *listOps) {
	return reflect.TypeFor[T](), typedOps[T](room)
}

// opsOf returns the operations on a list of elements of type t.
func opsOf(t reflect.Type) *listOps {
	if ops, ok := modelLists[t]; ok {
		return ops
	}
	return reflectOps(t)
}

// typedOps returns the operations on a []T whose room is rooms[room].
func typedOps[T any](room int) *listOps {
	var zero T
	size := max(1, roomBytes/int(unsafe.Sizeof(zero)))
	// first makes the empty list at s a list of one zero element from the room, when there is one.
	first := func(rs *rooms, s *[]T) bool {
		if rs == nil || cap(*s) > 0 {
			return false
		}
		r, _ := rs[room].(*[]T)
		if r == nil {
			r = new([]T)
			rs[room] = r
		}
		if len(*r) == 0 {
			*r = make([]T, size)
		}
		*s, *r = (*r)[:1:1], (*r)[1:]
		return true
	}
	return &listOps{
		push: func(rs *rooms, p unsafe.Pointer) unsafe.Pointer {
			s := (*[]T)(p)
			if !first(rs, s) {
				var zero T
				*s = append(*s, zero)
			}
			return unsafe.Pointer(&(*s)[len(*s)-1])
		},
		pop: func(p unsafe.Pointer) {
			s := (*[]T)(p)
			var zero T
			(*s)[len(*s)-1] = zero
			*s = (*s)[:len(*s)-1]
		},
		at: func(rs *rooms, p unsafe.Pointer, i int) unsafe.Pointer {
			s := (*[]T)(p)
			for len(*s) <= i {
				if !first(rs, s) {
					var zero T
					*s = append(*s, zero)
				}
			}
			return unsafe.Pointer(&(*s)[i])
		},
	}
}

func reflectOps(t reflect.Type) *listOps {
	list := reflect.SliceOf(t)
	grow := func(v reflect.Value) { v.Set(reflect.Append(v, reflect.Zero(t))) }
	return &listOps{
		push: func(_ *rooms, p unsafe.Pointer) unsafe.Pointer {
			v := reflect.NewAt(list, p).Elem()
			grow(v)
			return v.Index(v.Len() - 1).Addr().UnsafePointer()
		},
		pop: func(p unsafe.Pointer) {
			v := reflect.NewAt(list, p).Elem()
			n := v.Len() - 1
			v.Index(n).SetZero()
			v.SetLen(n)
		},
		at: func(_ *rooms, p unsafe.Pointer, i int) unsafe.Pointer {
			v := reflect.NewAt(list, p).Elem()
			for v.Len() <= i {
				grow(v)
			}
			return v.Index(i).Addr().UnsafePointer()
		},
	}
}
