package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Error is one problem in a configuration file, naming the key and the line.
type Error struct {
	// Key is the dotted path of the offending key, e.g. "kafka.embedded.listen".
	Key string
	// Line is the 1-based line in the file; zero when the problem is not tied to one line.
	Line int
	// Msg says what is wrong.
	Msg string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s (line %d): %s", e.Key, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Key, e.Msg)
}

// decoder fills a Go value from a YAML node tree strictly: an unknown key or a value of the wrong kind is an Error
// that names the key path and the line. Struct fields are named by their `yaml` tag.
type decoder struct {
	errs []error
}

func (d *decoder) fail(key string, n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &Error{Key: key, Line: line, Msg: fmt.Sprintf(format, args...)})
}

var durationType = reflect.TypeOf(time.Duration(0))

func (d *decoder) decode(key string, n *yaml.Node, v reflect.Value) {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty value keeps the default
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == durationType:
		dur, err := time.ParseDuration(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil {
			d.fail(key, n, "want a duration such as 500ms, 30s or 2m, got %q", n.Value)
			return
		}
		v.SetInt(int64(dur))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(key, n, v)
	case reflect.Map:
		d.decodeMap(key, n, v)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(key, n, "want a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(fmt.Sprintf("%s[%d]", key, i), c, s.Index(i))
		}
		v.Set(s)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			d.fail(key, n, "%v", err)
			return
		}
		v.Set(reflect.ValueOf(&x).Elem())
	default:
		d.decodeScalar(key, n, v)
	}
}

func (d *decoder) decodeStruct(key string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(key, n, "want a mapping of keys")
		return
	}
	fields := map[string]int{}
	var names []string
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = i
		names = append(names, name)
	}
	sort.Strings(names)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		path := join(key, k.Value)
		idx, ok := fields[k.Value]
		if !ok {
			d.fail(path, k, "unknown key; known keys here: %s", strings.Join(names, ", "))
			continue
		}
		if seen[k.Value] {
			d.fail(path, k, "key given twice")
			continue
		}
		seen[k.Value] = true
		d.decode(path, val, v.Field(idx))
	}
}

func (d *decoder) decodeMap(key string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(key, n, "want a mapping of keys")
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		ev := reflect.New(v.Type().Elem()).Elem()
		d.decode(join(key, k.Value), val, ev)
		v.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), ev)
	}
}

func (d *decoder) decodeScalar(key string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.ScalarNode {
		d.fail(key, n, "want a single value, not a %s", kindName(n.Kind))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value)
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if err != nil {
			d.fail(key, n, "want true or false, got %q", n.Value)
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil {
			d.fail(key, n, "want a whole number, got %q", n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			d.fail(key, n, "want a number, got %q", n.Value)
			return
		}
		v.SetFloat(f)
	default:
		d.fail(key, n, "unsupported setting type %s", v.Type())
	}
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	default:
		return "value"
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// unmarshalStrict decodes YAML into v, reporting every unknown key and bad value at once.
func unmarshalStrict(data []byte, v any) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("not valid YAML: %w", err)
	}
	if root.Kind == 0 {
		return nil // empty file: all defaults
	}
	d := &decoder{}
	d.decode("", &root, reflect.ValueOf(v).Elem())
	return errors.Join(d.errs...)
}
