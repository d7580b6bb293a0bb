package xml_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ketenpoort/ketenpoort/adapters"
	"github.com/ketenpoort/ketenpoort/adapters/adaptertest"
	kxml "github.com/ketenpoort/ketenpoort/adapters/xml"
)

// TestHostile feeds the attacks of DESIGN.md §8. DOCTYPEs are refused outright (ErrDoctype), so neither an
// external entity nor an entity expansion is ever reached; encoding/xml would not resolve them either.
func TestHostile(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("TOPSECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	laughs := `<!DOCTYPE lolz [<!ENTITY lol "lol">` +
		`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
		`<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>` + "\n" +
		`<export><casus><naam>&lol9;</naam></casus></export>`
	oversized := "<export>\n<casus>" + strings.Repeat("<n>0123456789</n>", 1000) + "</casus>\n<casus/></export>"
	tests := []struct {
		name       string
		in         string
		records    int
		rejections int
		err        error
	}{
		{name: "xxe-system", in: `<!DOCTYPE export [<!ENTITY xxe SYSTEM "file://` + secret + `">]>` + "\n<export><casus><naam>&xxe;</naam></casus></export>", err: kxml.ErrDoctype},
		{name: "xxe-parameter", in: `<!DOCTYPE export [<!ENTITY % p SYSTEM "file://` + secret + `"> %p;]>` + "\n<export><casus/></export>", err: kxml.ErrDoctype},
		{name: "external-dtd", in: `<!DOCTYPE export SYSTEM "file://` + secret + `">` + "\n<export><casus/></export>", err: kxml.ErrDoctype},
		{name: "billion-laughs", in: laughs, err: kxml.ErrDoctype},
		{name: "entity-without-doctype", in: "<export>\n<casus><naam>&xxe;</naam></casus></export>", err: kxml.ErrSyntax},
		{name: "doctype-after-records", in: "<export>\n<casus/>\n<!DOCTYPE x>\n<casus/></export>", records: 1, err: kxml.ErrDoctype},
		{name: "deep-in-record", in: "<export>\n<casus/><casus>" + deep(10_000) + "</casus>\n<casus/></export>", records: 2, rejections: 1},
		{name: "deep-outside-record", in: "<export>\n" + deep(10_000) + "</export>", err: kxml.ErrSyntax},
		{name: "invalid-utf8", in: "<export>\n<casus/><casus><naam>\xff\xfe</naam></casus></export>", records: 1, err: kxml.ErrSyntax},
		{name: "invalid-utf8-name", in: "<export>\n<casus/><ca\xc3sus/></export>", records: 1, err: kxml.ErrSyntax},
		{name: "nul-text", in: "<export>\n<casus/><casus><naam>a\x00b</naam></casus></export>", records: 1, err: kxml.ErrSyntax},
		{name: "nul-attribute", in: "<export>\n<casus id=\"\x00\"/></export>", err: kxml.ErrSyntax},
		{name: "oversized", in: oversized, records: 1, rejections: 1},
		{name: "oversized-text", in: "<export>\n<casus><n>" + strings.Repeat("a", 1<<20) + "</n></casus><casus/></export>", rejections: 1, err: adapters.ErrRecordTooLarge},
		{name: "huge-comment-outside", in: "<export>\n<!--" + strings.Repeat("a", 1<<20) + "--><casus/></export>", err: adapters.ErrRecordTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := kxml.Config{RecordPath: "/export/casus"}
			c.MaxRecordSize = 8192
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			res := adaptertest.Check(t, newAdapter(t, c), []byte(tt.in), true)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if len(res.Records) != tt.records || len(res.Rejections) != tt.rejections {
				t.Errorf("got %d records, %d rejections; want %d, %d", len(res.Records), len(res.Rejections), tt.records, tt.rejections)
			}
			if tt.err == nil && res.Err != nil {
				t.Errorf("read: %v", res.Err)
			}
			if tt.err != nil && !errors.Is(res.Err, tt.err) {
				t.Errorf("read: got %v, want %v", res.Err, tt.err)
			}
			for _, r := range res.Records {
				naam, _ := r.Root.Value("naam")
				if strings.Contains(string(r.Raw), "TOPSECRET") || strings.Contains(naam, "lol") {
					t.Errorf("an entity was resolved: %q", r.Raw)
				}
			}
			if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
				t.Errorf("allocated %d MiB reading %d bytes", grown>>20, len(tt.in))
			}
		})
	}
}

func TestDeepRejectionNamesTheLine(t *testing.T) {
	c := kxml.Config{RecordPath: "/export/casus", MaxDepth: 5}
	res := adaptertest.Check(t, newAdapter(t, c), []byte("<export>\n<casus>\n<a><b><c>\n<d><e/></d></c></b></a></casus></export>"), true)
	if len(res.Rejections) != 1 {
		t.Fatalf("got %d rejections, want 1", len(res.Rejections))
	}
	if p := res.Rejections[0].Problems; len(p) != 1 || p[0].Line != 4 || !strings.Contains(p[0].Message, "max_depth 5") {
		t.Errorf("problems = %+v, want max_depth on line 4", p)
	}
}
