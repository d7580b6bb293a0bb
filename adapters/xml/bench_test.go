package xml_test

import (
	"bytes"
	"context"
	exml "encoding/xml"
	"fmt"
	"io"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	kxml "github.com/ketenpoort/ketenpoort/adapters/xml"
)

func benchInput() []byte {
	var body bytes.Buffer
	for i := range 2000 {
		body.WriteString(casus(i))
		fmt.Fprintf(&body, `  <k:casus id="x%d"><status>open</status><ave>3</ave><plan><actie partner="GGZ" deadline="2026-01-01">huisbezoek</actie></plan></k:casus>`+"\n", i)
	}
	return export(body.String())
}

type discard struct{}

func (discard) Record(context.Context, adapters.Record) error    { return nil }
func (discard) Reject(context.Context, adapters.Rejection) error { return nil }

// BenchmarkRead measures reading (parse, record bytes and tree) without validation.
func BenchmarkRead(b *testing.B) {
	in := benchInput()
	a := newAdapter(b, kxml.Config{RecordPath: "/export/casus"})
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	done := adaptertest.CPUThroughput(b, int64(len(in)))
	for range b.N {
		if err := a.Read(context.Background(), bytes.NewReader(in), discard{}); err != nil {
			b.Fatal(err)
		}
	}
	done()
}

// BenchmarkDecoderBaseline is encoding/xml's RawToken alone over the same input as BenchmarkRead: the
// tokenizer the adapter used before its own scanner (BenchmarkScan), for comparison.
func BenchmarkDecoderBaseline(b *testing.B) {
	in := benchInput()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	done := adaptertest.CPUThroughput(b, int64(len(in)))
	for range b.N {
		d := exml.NewDecoder(bytes.NewReader(in))
		for {
			if _, err := d.RawToken(); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
	}
	done()
}

// BenchmarkReadStUF reads 500 real StUF-BG npsLa01 answers as records, without validation.
func BenchmarkReadStUF(b *testing.B) {
	msg := sample(b, "npsLa01_raadpleeg_bsn_03.xml")
	s := bytes.Index(msg, []byte("<BG:npsLa01"))
	e := bytes.Index(msg, []byte("</BG:npsLa01>")) + len("</BG:npsLa01>")
	var in bytes.Buffer
	in.Write(msg[:s])
	for range 500 {
		in.Write(msg[s:e])
		in.WriteByte('\n')
	}
	in.Write(msg[e:])
	a := newAdapter(b, kxml.Config{RecordPath: "/Envelope/Body/*"})
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
