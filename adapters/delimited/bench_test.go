package delimited_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	"github.com/ketenpoort/ketenpoort/adapters/delimited"
)

type discard struct{}

func (discard) Record(context.Context, adapters.Record) error    { return nil }
func (discard) Reject(context.Context, adapters.Rejection) error { return nil }

// BenchmarkRead measures reading rows into records (raw bytes and tree).
func BenchmarkRead(b *testing.B) {
	var in bytes.Buffer
	in.WriteString("bsn;voornamen;voorvoegsel;geslachtsnaam;geboortedatum;straat;huisnummer;postcode;woonplaats;melding\r\n")
	for i := range 20_000 {
		fmt.Fprintf(&in, "%09d;Geertje Maria;van der;Huijgen;19010613;Kerkstraat;%d;1234AB;Tilburg;\"Overlast; buren melden geluid\"\r\n", i, i%200)
	}
	a := newAdapter(b, delimited.Config{})
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	done := adaptertest.CPUThroughput(b, int64(in.Len()))
	for range b.N {
		if err := a.Read(context.Background(), bytes.NewReader(in.Bytes()), discard{}); err != nil {
			b.Fatal(err)
		}
	}
	done()
}
