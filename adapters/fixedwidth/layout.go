package fixedwidth

import (
	"errors"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// Layout describes the line types of a fixed-width file. A line type that no other type names as a child starts
// a record; the lines of its child types that follow it belong to that record.
type Layout struct {
	// Types are the line types.
	Types []LineType `yaml:"types"`
}

// LineType is one kind of line, recognised by its prefix.
type LineType struct {
	// Name names the line's node in the record tree.
	Name string `yaml:"name"`
	// Prefix is the text the line starts with; the longest matching prefix wins.
	Prefix string `yaml:"prefix"`
	// Length is the exact line length in bytes, line ending excluded; default the end of the last field.
	Length int `yaml:"length"`
	// Children names the line types that may follow a line of this type within its record.
	Children []string `yaml:"children"`
	// Fields are the fields of the line.
	Fields []Field `yaml:"fields"`
}

// Field is a field of a line, by 1-based byte positions: Start and Length, or From and To (inclusive).
type Field struct {
	Name   string `yaml:"name"`
	Start  int    `yaml:"start"`
	Length int    `yaml:"length"`
	From   int    `yaml:"from"`
	To     int    `yaml:"to"`
}

// span returns the field's 0-based half-open byte range.
func (f Field) span() (int, int) {
	if f.From > 0 {
		return f.From - 1, f.To
	}
	return f.Start - 1, f.Start - 1 + f.Length
}

// LoadLayout reads a layout file.
func LoadLayout(path string) (Layout, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Layout{}, fmt.Errorf("reading layout: %w", err)
	}
	var l Layout
	if err := yaml.Unmarshal(b, &l); err != nil {
		return Layout{}, fmt.Errorf("parsing layout %s: %w", path, err)
	}
	return l, nil
}

// SetDefaults fills in each type's length from its fields.
func (l *Layout) SetDefaults() {
	for i := range l.Types {
		t := &l.Types[i]
		if t.Length != 0 {
			continue
		}
		for _, f := range t.Fields {
			_, end := f.span()
			t.Length = max(t.Length, end)
		}
	}
}

// Validate checks the layout: unique names and prefixes, fields within the line, children that exist and have
// no children of their own, at least one type that starts records.
func (l Layout) Validate() error {
	if len(l.Types) == 0 {
		return errors.New("layout has no types")
	}
	byName := map[string]LineType{}
	prefixes := map[string]string{}
	for _, t := range l.Types {
		if t.Name == "" || t.Prefix == "" {
			return fmt.Errorf("type %q: a name and a prefix are required", t.Name)
		}
		if _, ok := byName[t.Name]; ok {
			return fmt.Errorf("type %q declared twice", t.Name)
		}
		if other, ok := prefixes[t.Prefix]; ok {
			return fmt.Errorf("types %q and %q share prefix %q", other, t.Name, t.Prefix)
		}
		byName[t.Name], prefixes[t.Prefix] = t, t.Name
		if t.Length < len(t.Prefix) {
			return fmt.Errorf("type %q: length %d shorter than its prefix", t.Name, t.Length)
		}
		fields := map[string]bool{}
		for _, f := range t.Fields {
			if f.Name == "" {
				return fmt.Errorf("type %q: a field has no name", t.Name)
			}
			if fields[f.Name] {
				return fmt.Errorf("type %q: field %q declared twice", t.Name, f.Name)
			}
			fields[f.Name] = true
			byStart := f.Start > 0 || f.Length > 0
			byRange := f.From > 0 || f.To > 0
			if byStart == byRange {
				return fmt.Errorf("type %q field %q: give start and length, or from and to", t.Name, f.Name)
			}
			start, end := f.span()
			if start < 0 || end <= start || end > t.Length {
				return fmt.Errorf("type %q field %q: positions %d-%d outside the line of %d bytes", t.Name, f.Name, start+1, end, t.Length)
			}
		}
	}
	isChild := map[string]bool{}
	for _, t := range l.Types {
		for _, c := range t.Children {
			ct, ok := byName[c]
			if !ok {
				return fmt.Errorf("type %q: child type %q is not declared", t.Name, c)
			}
			if len(ct.Children) > 0 {
				return fmt.Errorf("type %q: child type %q has children of its own", t.Name, c)
			}
			isChild[c] = true
		}
	}
	if len(isChild) == len(l.Types) {
		return errors.New("every type is a child: no type starts a record")
	}
	return nil
}
