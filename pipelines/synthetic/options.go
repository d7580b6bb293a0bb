package synthetic

import (
	"errors"
	"fmt"
	"io"
	"slices"
)

// Source names, as the sources are configured in ketenpoort.
const (
	SourceGemeenteEindhoven = "gemeente-eindhoven"
	SourceGemeenteHelmond   = "gemeente-helmond"
	SourceGCOS              = "gcos"
	SourceZSM               = "zsm"
	SourceVeiligThuisXML    = "veiligthuis"
	SourceVeiligThuisVast   = "veiligthuis-vast"
	SourceStUFBG            = "stufbg"
)

// Sources lists every source the generator writes, in a fixed order.
var Sources = []string{
	SourceGemeenteEindhoven, SourceGemeenteHelmond, SourceGCOS, SourceZSM,
	SourceVeiligThuisXML, SourceVeiligThuisVast, SourceStUFBG,
}

// Share is each source's share of the person-records: the municipalities 30%, GCOS 15%, ZSM 20%, Veilig Thuis
// 20% (half XML, half fixed-width) and the BRP kennisgevingen 15%. With a subset of sources the shares of the
// chosen ones are scaled to add up to one.
var Share = map[string]float64{
	SourceGemeenteEindhoven: 0.20,
	SourceGemeenteHelmond:   0.10,
	SourceGCOS:              0.15,
	SourceZSM:               0.20,
	SourceVeiligThuisXML:    0.10,
	SourceVeiligThuisVast:   0.10,
	SourceStUFBG:            0.15,
}

// Options says what to generate.
type Options struct {
	// Seed makes the output: the same seed and options give byte-identical files.
	Seed int64
	// Records is the number of person-records to write across all sources: a betrokkene in a GCOS case, a
	// verdachte or slachtoffer in a ZSM message, a person in a Veilig Thuis melding, a gemeente row, a BRP
	// kennisgeving. It is the unit the person index resolves.
	Records int
	// Out is the directory to write into; it is created when missing.
	Out string
	// BadRate is the share of records (cases, messages, meldingen, rows, kennisgevingen) made deliberately
	// invalid, so that the dead-letter path has something to show. Zero by default.
	BadRate float64
	// NoBSN leaves the BSN out of every record of every source (the persons and the other corruptions stay the
	// same): for measuring person resolution without it.
	NoBSN bool
	// Sources limits the output to these sources; empty means all of Sources.
	Sources []string
	// Progress receives a progress line about every second; nil means none.
	Progress io.Writer
	// FileRecords is the most records (cases, messages, meldingen, rows) per file; 10,000 when zero.
	FileRecords int
}

// Defaults.
const (
	DefaultFileRecords = 10_000
	stufFilesPerDir    = 1000
)

// ErrInvalidOptions is wrapped by every error of Options.Validate.
var ErrInvalidOptions = errors.New("invalid options")

func (o *Options) setDefaults() {
	if len(o.Sources) == 0 {
		o.Sources = slices.Clone(Sources)
	}
	if o.FileRecords == 0 {
		o.FileRecords = DefaultFileRecords
	}
}

// Validate checks the options without side effects.
func (o *Options) Validate() error {
	switch {
	case o.Records <= 0:
		return fmt.Errorf("%w: records must be positive, got %d", ErrInvalidOptions, o.Records)
	case o.Out == "":
		return fmt.Errorf("%w: no output directory", ErrInvalidOptions)
	case o.BadRate < 0 || o.BadRate > 1:
		return fmt.Errorf("%w: bad rate must be between 0 and 1, got %g", ErrInvalidOptions, o.BadRate)
	case o.FileRecords < 0:
		return fmt.Errorf("%w: file records must not be negative", ErrInvalidOptions)
	case o.Records > maxIndex/2:
		return fmt.Errorf("%w: at most %d records", ErrInvalidOptions, maxIndex/2)
	}
	for _, s := range o.Sources {
		if !slices.Contains(Sources, s) {
			return fmt.Errorf("%w: unknown source %q (known: %v)", ErrInvalidOptions, s, Sources)
		}
	}
	return nil
}

// Summary says what Generate wrote. It is also written to manifest.json in the output directory.
type Summary struct {
	Seed    int64   `json:"seed"`
	Records int     `json:"records"`
	BadRate float64 `json:"badRate"`
	// Persons is the number of distinct true persons made; not all of them appear in a source.
	Persons int `json:"persons"`
	// Truth is the ground-truth file: source,local_id,person_id.
	Truth      string `json:"truth"`
	TruthLines int    `json:"truthLines"`
	// Sources in the order of the Sources list.
	Sources []SourceSummary `json:"sources"`
}

// SourceSummary is what was written for one source.
type SourceSummary struct {
	Source string `json:"source"`
	// Files written, relative to the output directory.
	Files []string `json:"files"`
	// Records is the number of person-records, bad ones included.
	Records int `json:"records"`
	// Units is the number of adapter records: cases, messages, meldingen, rows or kennisgevingen.
	Units int `json:"units"`
	// Bad is the number of units made deliberately invalid; each is rejected by the adapter.
	Bad int `json:"bad"`
	// BadRecords is the number of person-records in the bad units; they have no line in the truth file.
	BadRecords int `json:"badRecords"`
	// TruthLines is the number of lines this source has in the truth file.
	TruthLines int `json:"truthLines"`
}
