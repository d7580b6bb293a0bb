package canonical_test

import (
	"fmt"

	"github.com/ketenpoort/ketenpoort/canonical"
)

func ExampleNormalizeBSN() {
	for _, raw := range []string{"123.456.782", "13114402", "123456783", "12345"} {
		value, valid, err := canonical.NormalizeBSN(raw)
		fmt.Println(value, valid, err)
	}
	// Output:
	// 123456782 true <nil>
	// 013114402 true <nil>
	// 123456783 false <nil>
	//  false normalizing bsn: 5 digits: bsn: want 8 or 9 digits
}

func ExampleBSNIdentifier() {
	id, finding := canonical.BSNIdentifier("123456783", "betrokkene/bsn")
	fmt.Printf("%s %s invalid=%v\n", id.Scheme, id.Value, id.Invalid)
	fmt.Println(finding.Code, finding.Path)
	// Output:
	// bsn 123456783 invalid=true
	// bsn-elfproef betrokkene/bsn
}

func ExampleSplitSurname() {
	for _, s := range []string{"van der Meijden", "In 't Veld", "d'Ancona", "de Vries-Jansen", "De"} {
		prefix, surname := canonical.SplitSurname(s)
		fmt.Printf("%q %q\n", prefix, surname)
	}
	// Output:
	// "van der" "Meijden"
	// "in 't" "Veld"
	// "d'" "Ancona"
	// "de" "Vries-Jansen"
	// "" "De"
}

func ExampleDisplaySurname() {
	n := canonical.Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurname: "Jansen"}
	for _, u := range []canonical.NameUsage{"E", "P", "V", "N"} {
		n.Usage = u
		fmt.Println(u, canonical.DisplaySurname(n))
	}
	// Output:
	// E de Vries
	// P Jansen
	// V Jansen-de Vries
	// N de Vries-Jansen
}

func ExampleNameFromUsed() {
	n, ok := canonical.NameFromUsed("Jansen-de Vries", canonical.NameUsagePartnerOwn)
	fmt.Printf("own %q %q, partner %q, ok %v\n", n.SurnamePrefix, n.Surname, n.PartnerSurname, ok)
	// Output:
	// own "de" "Vries", partner "Jansen", ok true
}

func ExampleNameKeys() {
	n := canonical.Name{SurnamePrefix: "de", Surname: "Vries", PartnerSurname: "Jansen", Usage: "V"}
	fmt.Println(canonical.NameKeys(n))
	fmt.Println(canonical.NameKeys(canonical.Name{Surname: "Van der Meijden"}))
	// Output:
	// [jansendevries devries jansen devriesjansen vries]
	// [vandermeyden meyden]
}

func ExampleFold() {
	fmt.Println(canonical.Fold("  Çelik-Ødegård "))
	fmt.Println(canonical.Fold("Strauß"))
	fmt.Println(canonical.Fold("\u0132sselmuiden"))
	// Output:
	// celik-odegard
	// strauss
	// ijsselmuiden
}

func ExampleInitials() {
	fmt.Println(canonical.Initials("Jan Pieter"))
	fmt.Println(canonical.Initials("Jan-Willem IJsbrand"))
	// Output:
	// JP
	// JWIJ
}

func ExampleParseDate() {
	for _, s := range []string{"19680000", "19680500", "00-05-1980", "12/05/1980", "1980-05-12", "31-02-1980"} {
		d, err := canonical.ParseDate(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		first, last := d.Range()
		fmt.Println(d, first.Format("2006-01-02"), last.Format("2006-01-02"))
	}
	// Output:
	// 1968 1968-01-01 1968-12-31
	// 1968-05 1968-05-01 1968-05-31
	// 1980-05 1980-05-01 1980-05-31
	// 1980-05-12 1980-05-12 1980-05-12
	// 1980-05-12 1980-05-12 1980-05-12
	// parsing date: day 31 does not exist in february of that year: invalid date
}

func ExampleParseDateLayout() {
	d, err := canonical.ParseDateLayout("2-5-1980", "D-M-YYYY")
	fmt.Println(d, err)
	// Output:
	// 1980-05-02 <nil>
}

func ExampleNormalizePostcode() {
	for _, s := range []string{"1234 ab", "1234-AB", "0123AB", "1234SS"} {
		fmt.Println(canonical.NormalizePostcode(s))
	}
	// Output:
	// 1234AB true
	// 1234AB true
	// 0123AB false
	// 1234SS false
}

func ExampleParseHouseNumber() {
	for _, s := range []string{"12a", "12-2", "12 bis"} {
		n, letter, addition, _ := canonical.ParseHouseNumber(s)
		fmt.Printf("%d %q %q\n", n, letter, addition)
	}
	// Output:
	// 12 "a" ""
	// 12 "" "2"
	// 12 "" "bis"
}
