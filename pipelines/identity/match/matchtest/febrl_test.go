package matchtest

import (
	"reflect"
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
