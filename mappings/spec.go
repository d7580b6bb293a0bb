package mappings

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The spec types hold a mapping file as written, with the position of every rule. They are decoded by hand from
// yaml.Node so that every problem is reported with its line and all problems of a file at once.

type mappingSpec struct {
	source, partner, modelVersion, description string
	modelVersionLine                           int
	adapter                                    map[string]any // the source's adapter: type and options
	adapterLine                                int
	localID                                    *ruleSpec
	lookups                                    []*lookupSpec
	persons, cases, partners                   []*blockSpec
}

type blockSpec struct {
	line, col     int
	target        string // list blocks only
	foreach       string
	when          []*condSpec
	id            *ruleSpec
	fields        []*ruleSpec
	lists         []*blockSpec
	person        *blockSpec // involvement blocks only
	hasTargetKey  bool
	hasPersonKey  bool
	personKeyLine int
}

type ruleSpec struct {
	line, col  int
	target     string
	targetLine int
	targetCol  int
	from       []string
	value      *string
	separator  *string
	def        *string
	required   bool
	when       []*condSpec
	transforms []*stepSpec
	pattern    string
	date       string
	boolCodes  string
	split      *string
	issuer     string
	onInvalid  string
}

type stepSpec struct {
	line, col int
	name      string
	arg       string // lookup table, date layout
	pattern   string // replace
	with      string // replace
}

type condSpec struct {
	line, col int
	field     string
	op        string
	values    []string
}

type lookupSpec struct {
	line, col  int
	name       string
	values     map[string]string
	order      []string // codes in file order, for stable checks
	def        *string
	ignoreCase bool
	file       string
}

// Key sets of each mapping-file object; the JSON Schema is generated from the same lists.
var (
	fileKeys   = []string{"source", "partner", "modelVersion", "description", "adapter", "localId", "lookups", "persons", "cases", "partners"}
	blockKeys  = []string{"target", "foreach", "when", "id", "fields", "lists", "person"}
	ruleKeys   = []string{"target", "from", "value", "separator", "default", "required", "when", "transform", "pattern", "date", "bool", "split", "issuer", "onInvalid"}
	lookupKeys = []string{"values", "file", "default", "ignoreCase"}
	condOps    = []string{"equals", "notEquals", "in", "notIn", "present", "absent", "matches"}
	boolCodes  = map[string][2][]string{
		"jn":        {{"J"}, {"N"}},
		"janee":     {{"ja"}, {"nee"}},
		"truefalse": {{"true"}, {"false"}},
		"10":        {{"1"}, {"0"}},
		"any":       {{"J", "ja", "Y", "yes", "true", "1", "T"}, {"N", "nee", "no", "false", "0", "F"}},
	}
	onInvalidModes = []string{"error", "finding"}
)

// yamlLine picks the line out of a YAML syntax error.
var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// decoder collects the problems of one file.
type decoder struct {
	file string
	errs []error
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	e := &LoadError{File: d.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// fields walks a mapping node, reporting unknown and repeated keys; fn gets each known key with its value.
func (d *decoder) fields(n *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node)) bool {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be a mapping, not %s", what, kindName(n))
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode {
			d.errorf(v, "aliases are not supported in mapping files")
			continue
		}
		if seen[k.Value] {
			d.errorf(k, "%s: key %q given twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		if !contains(known, k.Value) {
			msg := fmt.Sprintf("%s: unknown key %q", what, k.Value)
			if best := nearest(k.Value, known); best != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", best)
			}
			d.errorf(k, "%s", msg)
			continue
		}
		fn(k.Value, k, v)
	}
	return true
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	case yaml.AliasNode:
		return "an alias"
	}
	return "empty"
}

func (d *decoder) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "%s must be a single value, not %s", what, kindName(n))
		return ""
	}
	return n.Value
}

func (d *decoder) boolean(n *yaml.Node, what string) bool {
	if n.Kind != yaml.ScalarNode || (n.Value != "true" && n.Value != "false") {
		d.errorf(n, "%s must be true or false", what)
		return false
	}
	return n.Value == "true"
}

func (d *decoder) strs(n *yaml.Node, what string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a value or a list of values", what)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, d.str(c, what))
	}
	return out
}

func (d *decoder) list(n *yaml.Node, what string, fn func(item *yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a list, not %s", what, kindName(n))
		return
	}
	for _, c := range n.Content {
		fn(c)
	}
}

// decodeFile reads a whole mapping file.
func (d *decoder) decodeFile(data []byte) *mappingSpec {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		e := &LoadError{File: d.file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLine.FindStringSubmatch(e.Msg); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = m[2]
		}
		d.errs = append(d.errs, e)
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		d.errorf(nil, "empty mapping file")
		return nil
	}
	root := doc.Content[0]
	s := &mappingSpec{}
	var have = map[string]bool{}
	d.fields(root, "mapping", fileKeys, func(key string, k, v *yaml.Node) {
		have[key] = true
		switch key {
		case "source":
			s.source = d.str(v, key)
		case "partner":
			s.partner = d.str(v, key)
		case "modelVersion":
			s.modelVersion, s.modelVersionLine = d.str(v, key), v.Line
		case "description":
			s.description = d.str(v, key)
		case "adapter":
			s.adapterLine = k.Line
			if v.Kind != yaml.MappingNode {
				d.errorf(v, "adapter must be a mapping with a type and the adapter's options")
				return
			}
			if err := v.Decode(&s.adapter); err != nil {
				d.errorf(v, "adapter: %v", err)
				return
			}
			if t, ok := s.adapter["type"].(string); !ok || t == "" {
				d.errorf(v, "adapter: missing key \"type\" naming the adapter (xml, delimited, fixedwidth, ...)")
			}
		case "localId":
			s.localID = d.rule(v, "localId", false)
		case "lookups":
			if v.Kind != yaml.MappingNode {
				d.errorf(v, "lookups must be a mapping of code-list names")
				return
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				if l := d.lookup(v.Content[i], v.Content[i+1]); l != nil {
					s.lookups = append(s.lookups, l)
				}
			}
		case "persons":
			s.persons = d.blocks(v, key)
		case "cases":
			s.cases = d.blocks(v, key)
		case "partners":
			s.partners = d.blocks(v, key)
		}
	})
	if root.Kind == yaml.MappingNode {
		for _, req := range []string{"source", "modelVersion"} {
			if !have[req] {
				d.errorf(root, "mapping: missing key %q", req)
			}
		}
	}
	return s
}

func (d *decoder) blocks(n *yaml.Node, what string) []*blockSpec {
	var out []*blockSpec
	d.list(n, what, func(item *yaml.Node) {
		if b := d.block(item, what); b != nil {
			out = append(out, b)
		}
	})
	return out
}

func (d *decoder) block(n *yaml.Node, what string) *blockSpec {
	b := &blockSpec{line: n.Line, col: n.Column}
	ok := d.fields(n, what+" entry", blockKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "target":
			b.target, b.hasTargetKey = d.str(v, key), true
		case "foreach":
			b.foreach = d.str(v, key)
		case "when":
			b.when = d.conds(v)
		case "id":
			b.id = d.rule(v, "id", false)
		case "fields":
			d.list(v, "fields", func(item *yaml.Node) {
				if r := d.rule(item, "field", true); r != nil {
					b.fields = append(b.fields, r)
				}
			})
		case "lists":
			b.lists = d.blocks(v, "lists")
		case "person":
			b.hasPersonKey, b.personKeyLine = true, k.Line
			b.person = d.block(v, "person")
		}
	})
	if !ok {
		return nil
	}
	return b
}

// rule reads a field rule; an id or localId rule may also be written as just the source path.
func (d *decoder) rule(n *yaml.Node, what string, needTarget bool) *ruleSpec {
	r := &ruleSpec{line: n.Line, col: n.Column}
	if !needTarget && n.Kind == yaml.ScalarNode {
		r.from = []string{n.Value}
		return r
	}
	ok := d.fields(n, what, ruleKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "target":
			if !needTarget {
				d.errorf(k, "%s: an %s rule has no target", what, what)
				return
			}
			r.target, r.targetLine, r.targetCol = d.str(v, key), v.Line, v.Column
		case "from":
			r.from = d.strs(v, key)
		case "value":
			s := d.str(v, key)
			r.value = &s
		case "separator":
			s := d.str(v, key)
			r.separator = &s
		case "default":
			s := d.str(v, key)
			r.def = &s
		case "required":
			r.required = d.boolean(v, key)
		case "when":
			r.when = d.conds(v)
		case "transform":
			d.list(v, "transform", func(item *yaml.Node) {
				if st := d.step(item); st != nil {
					r.transforms = append(r.transforms, st)
				}
			})
		case "pattern":
			r.pattern = d.str(v, key)
		case "date":
			r.date = d.str(v, key)
		case "bool":
			r.boolCodes = d.str(v, key)
		case "split":
			s := d.str(v, key)
			r.split = &s
		case "issuer":
			r.issuer = d.str(v, key)
		case "onInvalid":
			r.onInvalid = d.str(v, key)
		}
	})
	if !ok {
		return nil
	}
	if needTarget && r.target == "" {
		d.errorf(n, "%s: missing key \"target\"", what)
	}
	if len(r.from) == 0 && r.value == nil {
		d.errorf(n, "%s: give \"from\" (a source field) or \"value\" (a constant)", what)
	}
	if len(r.from) > 0 && r.value != nil {
		d.errorf(n, "%s: give either \"from\" or \"value\", not both", what)
	}
	return r
}

func (d *decoder) step(n *yaml.Node) *stepSpec {
	st := &stepSpec{line: n.Line, col: n.Column}
	switch n.Kind {
	case yaml.ScalarNode:
		st.name = n.Value
		return st
	case yaml.MappingNode:
		if len(n.Content) != 2 {
			d.errorf(n, "transform step must have exactly one key, such as {lookup: name}")
			return nil
		}
		st.name = n.Content[0].Value
		v := n.Content[1]
		if st.name == "replace" {
			d.fields(v, "replace", []string{"pattern", "with"}, func(key string, _, v *yaml.Node) {
				if key == "pattern" {
					st.pattern = d.str(v, key)
				} else {
					st.with = d.str(v, key)
				}
			})
			return st
		}
		st.arg = d.str(v, st.name)
		return st
	}
	d.errorf(n, "transform step must be a name or {name: argument}")
	return nil
}

// conds reads a condition or a list of conditions that must all hold.
func (d *decoder) conds(n *yaml.Node) []*condSpec {
	var out []*condSpec
	one := func(n *yaml.Node) {
		c := &condSpec{line: n.Line, col: n.Column}
		d.fields(n, "when", append([]string{"field"}, condOps...), func(key string, _, v *yaml.Node) {
			switch key {
			case "field":
				c.field = d.str(v, key)
			case "present", "absent":
				if c.op != "" {
					d.errorf(v, "when: give one test, not %s and %s", c.op, key)
				}
				if d.boolean(v, key) {
					c.op = key
				} else if key == "present" {
					c.op = "absent"
				} else {
					c.op = "present"
				}
			default:
				if c.op != "" {
					d.errorf(v, "when: give one test, not %s and %s", c.op, key)
				}
				c.op = key
				c.values = d.strs(v, key)
			}
		})
		if n.Kind == yaml.MappingNode {
			if c.field == "" {
				d.errorf(n, "when: missing key \"field\"")
			}
			if c.op == "" {
				d.errorf(n, "when: give a test: %s", strings.Join(condOps, ", "))
			}
		}
		out = append(out, c)
	}
	if n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			one(c)
		}
	} else {
		one(n)
	}
	return out
}

func (d *decoder) lookup(k, v *yaml.Node) *lookupSpec {
	l := &lookupSpec{line: k.Line, col: k.Column, name: k.Value}
	d.fields(v, "lookup "+k.Value, lookupKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "values":
			l.values, l.order = d.codeMap(v)
		case "file":
			l.file = d.str(v, key)
		case "default":
			s := d.str(v, key)
			l.def = &s
		case "ignoreCase":
			l.ignoreCase = d.boolean(v, key)
		}
	})
	if v.Kind == yaml.MappingNode && (l.values == nil) == (l.file == "") {
		d.errorf(v, "lookup %s: give either \"values\" or \"file\"", l.name)
	}
	return l
}

// codeMap reads a code list as a mapping of code to value.
func (d *decoder) codeMap(n *yaml.Node) (map[string]string, []string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "values must be a mapping of code to value")
		return map[string]string{}, nil
	}
	m := make(map[string]string, len(n.Content)/2)
	var order []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := m[k.Value]; dup {
			d.errorf(k, "code %q given twice", k.Value)
			continue
		}
		m[k.Value] = d.str(v, "code value")
		order = append(order, k.Value)
	}
	return m, order
}

// sortedKeys returns a map's keys in order, for messages.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
