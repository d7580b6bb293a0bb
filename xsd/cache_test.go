package xsd

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestSetCompilesOnce(t *testing.T) {
	var set Set
	defer set.Close()
	const n = 8
	got := make([]*Schema, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := set.Get("testdata/schemas/simple.xsd")
			if err != nil {
				t.Error(err)
			}
			got[i] = s
		})
	}
	wg.Wait()
	for i := range n {
		if got[i] == nil || got[i] != got[0] {
			t.Fatalf("Get %d returned %p, want the shared %p", i, got[i], got[0])
		}
	}
	abs, err := filepath.Abs("testdata/schemas/simple.xsd")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := set.Get(abs); s != got[0] {
		t.Error("the absolute path compiled a second schema")
	}
	// Close on a shared schema leaves it usable for the other holders.
	got[0].Close()
	if err := got[1].Validate([]byte(`<note xmlns="urn:ketenpoort:test"/>`)); err != nil {
		t.Fatalf("Validate after Close of a shared schema: %v", err)
	}
}

func TestSetClose(t *testing.T) {
	var set Set
	s, err := set.Get("testdata/schemas/simple.xsd")
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate([]byte(`<note xmlns="urn:ketenpoort:test"/>`)); !errors.Is(err, ErrClosed) {
		t.Errorf("Validate after Set.Close = %v, want ErrClosed", err)
	}
	if _, err := set.Get("testdata/schemas/simple.xsd"); !errors.Is(err, ErrSetClosed) {
		t.Errorf("Get after Close = %v, want ErrSetClosed", err)
	}
}

func TestSetRetriesFailedLoad(t *testing.T) {
	var set Set
	defer set.Close()
	path := filepath.Join(t.TempDir(), "late.xsd")
	if _, err := set.Get(path); err == nil {
		t.Fatal("Get of a missing file succeeded")
	}
	schema, err := os.ReadFile("testdata/schemas/simple.xsd")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, schema, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := set.Get(path); err != nil {
		t.Fatalf("Get after the file appeared: %v", err)
	}
}

func TestCached(t *testing.T) {
	a, err := Cached(stufbgSchema)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Cached("./" + stufbgSchema)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatal("Cached compiled the same file twice")
	}
	if err := a.Validate(readSample(t, "npsLk01_afnemersindicatie_05_soap.xml")); err != nil {
		t.Fatal(err)
	}
}
