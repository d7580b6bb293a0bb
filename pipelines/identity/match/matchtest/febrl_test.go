package matchtest

import (
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestFebrl(t *testing.T) {
	for _, o := range []FebrlOptions{FEBRL3, FEBRL4} {
		s := Febrl(1, o)
		if got, want := len(s.Records), o.Originals+o.Duplicates; got != want {
			t.Fatalf("%d records, want %d", got, want)
		}
		if !reflect.DeepEqual(s, Febrl(1, o)) {
			t.Fatal("two sets of one seed differ")
		}
		perEntity := map[int]int{}
		ids, dated, unchanged := 0, 0, 0
		first := map[int]int{} // entity → index of a record of it
		for i, p := range s.Records {
			perEntity[s.Entity[i]]++
			if len(p.Identifiers) == 1 {
				ids++
			}
			if p.BirthDate != nil {
				dated++
			}
			if j, ok := first[s.Entity[i]]; ok && reflect.DeepEqual(p.Name, s.Records[j].Name) &&
				reflect.DeepEqual(p.BirthDate, s.Records[j].BirthDate) && reflect.DeepEqual(p.Addresses, s.Records[j].Addresses) &&
				reflect.DeepEqual(p.Identifiers, s.Records[j].Identifiers) {
				unchanged++
			} else if !ok {
				first[s.Entity[i]] = i
			}
		}
		most := 0
		for _, n := range perEntity {
			most = max(most, n)
		}
		if len(perEntity) != o.Originals || most != 1+o.MaxDuplicates {
			t.Errorf("%d persons, at most %d records of one, want %d and %d", len(perEntity), most, o.Originals, 1+o.MaxDuplicates)
		}
		if s.Linkage != (o.MaxDuplicates == 1) || s.TruePairs() < o.Duplicates {
			t.Errorf("linkage %v, %d true pairs for %d duplicates", s.Linkage, s.TruePairs(), o.Duplicates)
		}
		// Every duplicate gets at least one modification, but some fall on fields the person index does not
		// read (the second address line, the state); most records keep their number and a birth date.
		n := len(s.Records)
		if unchanged > o.Duplicates/3 || ids < n*9/10 || dated < n*7/10 {
			t.Errorf("%d duplicates unchanged, %d of %d records with a number, %d with a birth date", unchanged, ids, n, dated)
		}
	}
}

// TestReadFebrl reads sets written as FEBRL writes its files (a comma and a space between fields, CRLF line ends,
// a header; a linkage set in two files) back into the persons Febrl draws from the same seed.
func TestReadFebrl(t *testing.T) {
	for _, o := range []FebrlOptions{FEBRL3, FEBRL4} {
		rows, entity := FebrlCSV(3, o)
		parts := [][][]string{rows}
		if o.MaxDuplicates == 1 {
			parts = [][][]string{rows[:o.Originals], rows[o.Originals:]}
		}
		var files []io.Reader
		for _, part := range parts {
			var b strings.Builder
			for _, r := range append([][]string{FebrlHeader}, part...) {
				b.WriteString(strings.Join(r, ", ") + "\r\n")
			}
			files = append(files, strings.NewReader(b.String()))
		}
		got, err := ReadFebrl(files...)
		if err != nil {
			t.Fatal(err)
		}
		want := Febrl(3, o)
		if got.Linkage != want.Linkage || len(got.Records) != len(want.Records) {
			t.Fatalf("linkage %v, %d records; want %v, %d", got.Linkage, len(got.Records), want.Linkage, len(want.Records))
		}
		for i, p := range got.Records {
			if p.Provenance.LocalID != rows[i][0] {
				t.Fatalf("record %d: local id %q, want %q", i, p.Provenance.LocalID, rows[i][0])
			}
			p.Provenance.LocalID = want.Records[i].Provenance.LocalID
			if !reflect.DeepEqual(p, want.Records[i]) || got.Entity[i] != entity[i] || got.Side[i] != want.Side[i] {
				t.Fatalf("record %d (%s): %+v of person %d on side %d, want %+v of %d on %d", i, rows[i][0], p, got.Entity[i],
					got.Side[i], want.Records[i], entity[i], want.Side[i])
			}
		}
	}
	for _, tt := range []struct{ file, want string }{
		{"rec_id, given_name\nrec-1-org, jan\n", "line 2: 2 fields, want 11"},
		{"rec-1-org, a, b, 1, s, , p, 1234, nh, 19700101\n", "line 1: 10 fields, want 11"},
		{"rec_id, a, b, c, d, e, f, g, h, i, j\nrecord-1, a, b, 1, s, , p, 1234, nh, 19700101, 1234567\n", `line 2: record id "record-1" is not`},
	} {
		if _, err := ReadFebrl(strings.NewReader(tt.file)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadFebrl(%q): %v, want an error with %q", tt.file, err, tt.want)
		}
	}
}
