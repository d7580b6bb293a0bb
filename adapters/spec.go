package adapters

// FieldType names the YAML type of a configuration field, as the reference documentation shows it.
type FieldType string

// The field types a Spec can declare.
const (
	TypeString     FieldType = "string"
	TypeInt        FieldType = "int"
	TypeBool       FieldType = "bool"
	TypeStringList FieldType = "list of strings"
	TypeObject     FieldType = "object"
)

// Spec declares an adapter: its name, what it reads, and every configuration field it accepts. The spec is the
// single source of truth for configuration checking (unknown and missing fields), defaults and the reference
// documentation in REFERENCE.md.
type Spec struct {
	// Name is the adapter's name, used as `adapter:` in a source's configuration.
	Name string
	// Summary is one line saying what the adapter reads.
	Summary string
	// Description explains the adapter in Markdown: what a record is, how bad input is handled.
	Description string
	// Fields are the configuration fields the adapter accepts, the common ones included.
	Fields []Field
	// Example is an example adapter section of a mapping file (adapter: {type: ..., options}) in YAML, with paths
	// relative to the mappings folder. Tests construct every adapter from its example.
	Example string
}

// Field documents one configuration field.
type Field struct {
	// Name is the YAML key.
	Name string
	// Type is the YAML type.
	Type FieldType
	// Description says what the field does.
	Description string
	// Default is applied when the field is absent; nil means no default.
	Default any
	// Required fields must be present in every configuration.
	Required bool
	// Options lists the accepted values of an enumerated field.
	Options []string
}

// Field returns the spec's field with the given name, and whether there is one.
func (s Spec) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}
