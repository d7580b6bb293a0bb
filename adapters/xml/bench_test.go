package xml_test

import (
	"bytes"
	"context"
	exml "encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// stufLk01 is a StUF-BG npsLk01 kennisgeving of about 1.9 KB in a SOAP envelope, like the ones a gemeente sends
// one per file: the namespaces are declared on the envelope, so a validated record is made a standalone document.
func stufLk01(i int) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310" xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Header/>
<soapenv:Body>
<BG:npsLk01>
  <BG:stuurgegevens>
    <StUF:berichtcode>Lk01</StUF:berichtcode>
    <StUF:zender>
      <StUF:organisatie>0820</StUF:organisatie>
      <StUF:applicatie>BRP</StUF:applicatie>
    </StUF:zender>
    <StUF:ontvanger>
      <StUF:organisatie>ZVH-BZO</StUF:organisatie>
      <StUF:applicatie>ketenpoort</StUF:applicatie>
    </StUF:ontvanger>
    <StUF:referentienummer>BRP-1-%09d</StUF:referentienummer>
    <StUF:tijdstipBericht>2026110410163100</StUF:tijdstipBericht>
    <StUF:entiteittype>NPS</StUF:entiteittype>
  </BG:stuurgegevens>
  <BG:parameters>
    <StUF:mutatiesoort>T</StUF:mutatiesoort>
    <StUF:indicatorOvername>V</StUF:indicatorOvername>
  </BG:parameters>
  <BG:object StUF:entiteittype="NPS" StUF:sleutelVerzendend="BRP.%010d" StUF:verwerkingssoort="T">
    <BG:inp.bsn>%09d</BG:inp.bsn>
    <BG:inp.a-nummer>%010d</BG:inp.a-nummer>
    <BG:geslachtsnaam>Willems</BG:geslachtsnaam>
    <BG:voorletters>J.</BG:voorletters>
    <BG:voornamen>Johanna</BG:voornamen>
    <BG:aanduidingNaamgebruik>E</BG:aanduidingNaamgebruik>
    <BG:geslachtsaanduiding>V</BG:geslachtsaanduiding>
    <BG:geboortedatum>20110105</BG:geboortedatum>
    <BG:verblijfsadres>
      <BG:wpl.woonplaatsNaam>Nuenen</BG:wpl.woonplaatsNaam>
      <BG:gor.openbareRuimteNaam>Kerkstraat</BG:gor.openbareRuimteNaam>
      <BG:gor.straatnaam>Kerkstraat</BG:gor.straatnaam>
      <BG:aoa.postcode>5673LH</BG:aoa.postcode>
      <BG:aoa.huisnummer>%d</BG:aoa.huisnummer>
    </BG:verblijfsadres>
  </BG:object>
</BG:npsLk01>
</soapenv:Body>
</soapenv:Envelope>
`, i, 8938960244+i, 144728904+i, 8938960244+i, 1+i%200)
}

// onlyReader hides everything but Read of the reader it holds: a source that tells nothing of its size, such
// as a pipe or a network stream.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// BenchmarkReadSmallDocs reads small StUF-BG documents of one record each, every one through a fresh read, as
// the pipeline reads a folder of kennisgevingen with one message per file: one op is one document. The
// documents are 64 generated npsLk01 messages of about 1.9 KB and the real messages in testdata/stuf; "file"
// reads them from files as ingest and map do, "bytes" from a bytes.Reader as a staged Kafka message, "stream"
// through a reader that tells nothing of its size, and "validate" adds the StUF-BG schema.
func BenchmarkReadSmallDocs(b *testing.B) {
	var docs [][]byte
	for i := range 64 {
		docs = append(docs, stufLk01(i))
	}
	for _, name := range []string{"npsLk01_afnemersindicatie_05_soap.xml", "npsLa01_raadpleeg_bsn_03.xml", "npsLa01_postcode_with_space.xml"} {
		docs = append(docs, sample(b, name))
	}
	dir := b.TempDir()
	var files []string
	var total int64
	for i, d := range docs {
		name := filepath.Join(dir, fmt.Sprintf("%03d.xml", i))
		if err := os.WriteFile(name, d, 0o600); err != nil {
			b.Fatal(err)
		}
		files = append(files, name)
		total += int64(len(d))
	}
	fromFile := func(b *testing.B, a *kxml.Adapter) {
		for i := range b.N {
			f, err := os.Open(files[i%len(files)])
			if err != nil {
				b.Fatal(err)
			}
			err = a.Read(context.Background(), f, discard{})
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	run := func(name string, validation bool, read func(*testing.B, *kxml.Adapter)) {
		b.Run(name, func(b *testing.B) {
			var a *kxml.Adapter
			if validation {
				a = stufAdapter(b, adapters.Lenient)
			} else {
				a = newAdapter(b, kxml.Config{RecordPath: "/Envelope/Body/*"})
			}
			b.SetBytes(total / int64(len(docs)))
			b.ReportAllocs()
			b.ResetTimer()
			read(b, a)
		})
	}
	run("file", false, fromFile)
	run("bytes", false, func(b *testing.B, a *kxml.Adapter) {
		for i := range b.N {
			if err := a.Read(context.Background(), bytes.NewReader(docs[i%len(docs)]), discard{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	run("stream", false, func(b *testing.B, a *kxml.Adapter) {
		for i := range b.N {
			if err := a.Read(context.Background(), onlyReader{bytes.NewReader(docs[i%len(docs)])}, discard{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	run("validate", true, fromFile)
}
