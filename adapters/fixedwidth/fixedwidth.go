// Package fixedwidth is the generic adapter for fixed-width text files: lines recognised by a prefix, fields by
// byte position from a layout, a record made of a starting line and the child lines after it. It registers
// itself as "fixedwidth".
package fixedwidth

import (
	"errors"
	"fmt"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// Name is the adapter's registered name.
const Name = "fixedwidth"

// Accepted values of Config.Encoding.
const (
	EncodingASCII = "ascii"
	Encoding1252  = "windows-1252"
)

// Config configures the fixed-width adapter. The layout comes from a file (Layout) or inline (Types).
type Config struct {
	adapters.Common `yaml:",inline"`
	// Layout is the layout file, relative to the configuration directory.
	Layout string `yaml:"layout"`
	// Types is the layout given inline.
	Types []LineType `yaml:"types"`
	// Encoding is ascii (default) or windows-1252.
	Encoding string `yaml:"encoding"`
}

// SetDefaults fills in the defaults of unset fields.
func (c *Config) SetDefaults() {
	c.Common.SetDefaults()
	if c.Encoding == "" {
		c.Encoding = EncodingASCII
	}
}

// Validate checks the configuration without reading the layout file.
func (c Config) Validate() error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	if (c.Layout == "") == (len(c.Types) == 0) {
		return errors.New("give a layout file or inline types, not both or neither")
	}
	if c.Encoding != EncodingASCII && c.Encoding != Encoding1252 {
		return fmt.Errorf("encoding %q: want ascii or windows-1252", c.Encoding)
	}
	if len(c.Types) > 0 {
		l := Layout{Types: c.Types}
		l.SetDefaults()
		return l.Validate()
	}
	return nil
}

func spec() adapters.Spec {
	return adapters.Spec{
		Name:    Name,
		Summary: "Reads fixed-width text files: typed lines grouped into records by a layout.",
		Description: "Each line's type is found by its prefix (the longest matching one). A type that is no other " +
			"type's child starts a record; the child lines that follow belong to it, so a melding line `M` " +
			"followed by person lines `S`, `P`, `K` is one record: a node named after the starting type, with " +
			"its fields and a child node per child line. Fields are cut by 1-based byte positions " +
			"(`start`/`length` or `from`/`to`) and lose their trailing spaces. Blank lines are skipped.\n\n" +
			"A line of an unknown type, of the wrong length, with a byte outside the encoding, or of a type " +
			"that is not a child of the open record rejects the whole record it is in (or itself, when no " +
			"record is open), every problem naming its line: a record is emitted whole or not at all. An empty " +
			"input has no records. `validation` has no effect: the layout is the schema, and it is always strict.\n\n" +
			"Layout:\n\n```yaml\ntypes:\n  - name: melding\n    prefix: M\n    length: 40\n    children: [slachtoffer, pleger]\n" +
			"    fields:\n      - {name: id, start: 2, length: 10}\n      - {name: datum, from: 12, to: 19}\n" +
			"  - name: slachtoffer\n    prefix: S\n    fields:\n      - {name: naam, start: 2, length: 30}\n```",
		Fields: append([]adapters.Field{
			{
				Name: "layout", Type: adapters.TypeString,
				Description: "The layout file (YAML, see above), relative to the configuration directory.",
			},
			{
				Name: "types", Type: adapters.TypeObject,
				Description: "The layout's types given inline instead of a layout file.",
			},
			{
				Name: "encoding", Type: adapters.TypeString, Default: EncodingASCII,
				Options:     []string{EncodingASCII, Encoding1252},
				Description: "The character encoding: `ascii` rejects lines with other bytes; `windows-1252`.",
			},
		}, adapters.CommonFields()...),
		Example: "adapter:\n  type: fixedwidth\n  encoding: windows-1252\n  types:\n    - name: melding\n      prefix: M\n" +
			"      children: [persoon]\n      fields:\n        - {name: id, start: 2, length: 8}\n    - name: persoon\n" +
			"      prefix: P\n      fields:\n        - {name: naam, from: 2, to: 21}\n",
	}
}

func init() { adapters.MustRegister(spec(), adapters.Typed(New)) }

// New builds the adapter from a typed configuration, reading the layout file if one is named.
func New(c Config, env adapters.Env) (*Adapter, error) {
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return nil, adapters.ConfigError(err)
	}
	l := Layout{Types: c.Types}
	if c.Layout != "" {
		var err error
		if l, err = LoadLayout(env.Path(c.Layout)); err != nil {
			return nil, err
		}
	}
	l.SetDefaults()
	if err := l.Validate(); err != nil {
		return nil, adapters.ConfigError(fmt.Errorf("layout %s: %w", c.Layout, err))
	}
	a := &Adapter{cfg: c, env: env, layout: l, child: map[string]map[string]bool{}}
	if c.Encoding == Encoding1252 {
		a.cs = adapters.Windows1252()
	}
	isChild := map[string]bool{}
	for _, t := range l.Types {
		set := map[string]bool{}
		for _, ch := range t.Children {
			set[ch], isChild[ch] = true, true
		}
		a.child[t.Name] = set
	}
	for i := range l.Types {
		a.types = append(a.types, lineType{LineType: &l.Types[i], starts: !isChild[l.Types[i].Name]})
	}
	return a, nil
}

type lineType struct {
	*LineType
	starts bool
}

// Adapter reads fixed-width files.
type Adapter struct {
	cfg    Config
	env    adapters.Env
	layout Layout
	types  []lineType
	child  map[string]map[string]bool
	cs     *adapters.Charset // nil for ASCII
}

// Close releases nothing; the adapter holds no resources.
func (a *Adapter) Close() error { return nil }

var _ adapters.Adapter = (*Adapter)(nil)
