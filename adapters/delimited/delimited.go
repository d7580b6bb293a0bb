// Package delimited is the generic adapter for delimited text (CSV with `;`, `,` or tab): every row is a record
// whose tree has one child per column, named by the header; a sink that takes them (adapters.ColumnSink) gets
// the columns without the tree. It registers itself as "delimited".
//
// Values are kept exactly as received. A value starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
// data like any other and is never evaluated here; whatever exports values to a spreadsheet again must
// neutralise such values (CSV formula injection).
package delimited

import (
	"fmt"
	"slices"

	"github.com/ketenpoort/ketenpoort/adapters"
)

// Name is the adapter's registered name.
const Name = "delimited"

// Accepted values of Config.Delimiter and Config.Encoding.
const (
	DelimiterAuto = "auto"
	EncodingAuto  = "auto"
	EncodingUTF8  = "utf-8"
	Encoding1252  = "windows-1252"
	DefaultRecord = "row"
)

// Config configures the delimited adapter.
type Config struct {
	adapters.Common `yaml:",inline"`
	// Delimiter is ";", ",", "\t" (or "tab"), or "auto" to detect it from the first line.
	Delimiter string `yaml:"delimiter"`
	// Encoding is "utf-8", "windows-1252", or "auto": UTF-8 unless the first 64 KiB are not valid UTF-8.
	Encoding string `yaml:"encoding"`
	// Header says the first row holds the column names.
	Header *bool `yaml:"header"`
	// Columns names the columns; it overrides the header's names.
	Columns []string `yaml:"columns"`
	// RecordName is the name of each record's root node.
	RecordName string `yaml:"record_name"`
}

// SetDefaults fills in the defaults of unset fields.
func (c *Config) SetDefaults() {
	c.Common.SetDefaults()
	if c.Delimiter == "" {
		c.Delimiter = DelimiterAuto
	}
	if c.Delimiter == "tab" {
		c.Delimiter = "\t"
	}
	if c.Encoding == "" {
		c.Encoding = EncodingAuto
	}
	if c.Header == nil {
		h := true
		c.Header = &h
	}
	if c.RecordName == "" {
		c.RecordName = DefaultRecord
	}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	if !slices.Contains([]string{DelimiterAuto, ";", ",", "\t", "tab"}, c.Delimiter) {
		return fmt.Errorf("delimiter %q: want ;, comma, tab or auto", c.Delimiter)
	}
	if !slices.Contains([]string{EncodingAuto, EncodingUTF8, Encoding1252}, c.Encoding) {
		return fmt.Errorf("encoding %q: want utf-8, windows-1252 or auto", c.Encoding)
	}
	if c.Header != nil && !*c.Header && len(c.Columns) == 0 {
		return fmt.Errorf("header false needs columns")
	}
	for i, col := range c.Columns {
		if col == "" {
			return fmt.Errorf("columns: column %d has no name", i+1)
		}
	}
	return nil
}

func spec() adapters.Spec {
	return adapters.Spec{
		Name:    Name,
		Summary: "Reads delimited text (CSV with `;`, `,` or tab), one record per row.",
		Description: "Rows are read with encoding/csv: quoted fields may hold delimiters and line breaks, a bare " +
			"quote is an error (no lazy quotes), and every row must have as many fields as the header. Each row " +
			"is a record whose tree has one child per column, named by the header (or `columns`), in order; " +
			"space around a header's names is left out (files written with \", \" between fields), values are " +
			"kept exactly as received.\n\n" +
			"Rejected rows, each with its line: a wrong number of fields, a quoting error, invalid UTF-8 (when " +
			"reading UTF-8), a row over `max_record_size`. The read fails for an empty input without a header, an " +
			"unterminated quote at the end (truncated input), or a row so large that no row boundary can be " +
			"found within the limit.\n\n" +
			"Values starting with `=`, `+`, `-`, `@`, tab or carriage return are kept as data, never " +
			"evaluated: any re-export to a spreadsheet must neutralise them (CSV formula injection). " +
			"`validation` has no effect: delimited text has no schema.",
		Fields: append([]adapters.Field{
			{
				Name: "delimiter", Type: adapters.TypeString, Default: DelimiterAuto,
				Options:     []string{";", ",", "tab", DelimiterAuto},
				Description: "The field delimiter; `auto` takes the most frequent of `;`, `,` and tab in the first line.",
			},
			{
				Name: "encoding", Type: adapters.TypeString, Default: EncodingAuto,
				Options: []string{EncodingUTF8, Encoding1252, EncodingAuto},
				Description: "The character encoding. A UTF-8 byte order mark is skipped. `auto` reads UTF-8 " +
					"unless the first 64 KiB are not valid UTF-8, then Windows-1252. Raw bytes stay in the " +
					"input's encoding.",
			},
			{
				Name: "header", Type: adapters.TypeBool, Default: true,
				Description: "Whether the first row holds the column names.",
			},
			{
				Name: "columns", Type: adapters.TypeStringList,
				Description: "The column names, overriding the header's; required without a header.",
			},
			{
				Name: "record_name", Type: adapters.TypeString, Default: DefaultRecord,
				Description: "The name of each record's root node.",
			},
		}, adapters.CommonFields()...),
		Example: "adapter:\n  type: delimited\n  delimiter: \";\"\n  encoding: auto\n  header: true\n",
	}
}

func init() { adapters.MustRegister(spec(), adapters.Typed(New)) }

// New builds the adapter from a typed configuration.
func New(c Config, env adapters.Env) (*Adapter, error) {
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return nil, adapters.ConfigError(err)
	}
	return &Adapter{cfg: c, env: env, cp1252: adapters.Windows1252()}, nil
}

// Adapter reads delimited text.
type Adapter struct {
	cfg    Config
	env    adapters.Env
	cp1252 *adapters.Charset
	// csvOnly has encoding/csv read every row, simple lines too; tests compare the two ways.
	csvOnly bool
}

// Close releases nothing; the adapter holds no resources.
func (a *Adapter) Close() error { return nil }

var _ adapters.Adapter = (*Adapter)(nil)
