package cli

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReviewListAndDecide takes possible matches through the review commands: listed open with the two persons,
// linked by a reviewer into one person, then listed as linked, one person now; and an open item whose records a
// later record linked, listed as one person now.
func TestReviewListAndDecide(t *testing.T) {
	// Names alone agree: a possible match; the third record is someone else.
	file := "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n" +
		"rec-1-org, kees, verbiest, 4, akkerweg, , veldhoven, 5501, nb, 19900101, 1111111\n" +
		"rec-1-dup-0, kees, verbiest, , , , , , , , \n" +
		"rec-2-org, anna, brouwer, 9, dorpsstraat, , best, 5681, nb, 19610709, 3333333\n" +
		// rec-3-dup-0 is a possible match of rec-3-org (names alone again); rec-3-dup-1 matches both, by the birth
		// date and by the personal number, and links them.
		"rec-3-org, joost, kleinjan, , , , , , , 19700505, \n" +
		"rec-3-dup-0, joost, kleinjan, , , , , , , , 4444444\n" +
		"rec-3-dup-1, joost, kleinjan, , , , , , , 19700505, 4444444\n"
	cfg, dir := partnerSetup(t, "febrl", febrlMapping, map[string]string{"dataset.csv": file})
	ingest(t, cfg, dir)
	review := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(append([]string{"review", args[0], "--config", cfg}, args[1:]...)...)
		if code != 0 {
			t.Fatalf("review %v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
		}
		return out
	}
	out := review("list")
	item := regexp.MustCompile(`(?m)^\s+(\d+)\s+possible-match\s+score\s+[\d.]+\s+febrl/rec-1-dup-0 \((P\d+)\)\s+febrl/rec-1-org \((P\d+)\)$`).FindStringSubmatch(out)
	linked := regexp.MustCompile(`(?m)^\s+(\d+)\s+possible-match\s+score\s+[\d.]+\s+febrl/rec-3-dup-0 \((P\d+)\)\s+febrl/rec-3-org \((P\d+)\)  one person now$`).FindStringSubmatch(out)
	if item == nil || item[2] == item[3] || linked == nil || linked[2] != linked[3] || !strings.Contains(out, "open questions: 2 (items: 2)") {
		t.Fatalf("review list: want an open item of rec-1-org and rec-1-dup-0 in two persons, one of rec-3-org and rec-3-dup-0 in one:\n%s", out)
	}
	// A page of one: the next one follows it.
	page := review("list", "--limit", "1")
	next := regexp.MustCompile(`(?m)^more may follow: ketenpoort review list --status open --after (\d+)$`).FindStringSubmatch(page)
	if next == nil || next[1] != item[1] && next[1] != linked[1] {
		t.Fatalf("review list --limit 1:\n%s", page)
	}
	if rest := review("list", "--after", next[1]); !strings.Contains(rest, "open questions: 1 (items: 1)") || strings.Contains(rest, "more may follow") {
		t.Errorf("review list --after %s:\n%s", next[1], rest)
	}
	// By reason: the possible matches are all there is; a reason of another name is refused.
	if out := review("list", "--reason", "bsn-conflict"); !strings.Contains(out, "open questions: 0 (items: 0)") {
		t.Errorf("review list --reason bsn-conflict:\n%s", out)
	}
	if code, _, errOut := run("review", "list", "--config", cfg, "--reason", "conflict"); code != 2 || !strings.Contains(errOut, `reason "conflict"`) {
		t.Errorf("review list --reason conflict: exit %d, stderr %s", code, errOut)
	}
	// In full: both records side by side with the levels and weights, and how to decide it.
	show := review("show", item[1])
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^item ` + item[1] + `  possible-match  open  score `),
		regexp.MustCompile(`(?m)^surname\s+verbiest\s+verbiest\s+exact\s+\+`),
		regexp.MustCompile(`(?m)^birth date\s+-\s+1990-01-01\s+missing\s+\+0\.00$`),
		regexp.MustCompile(`(?m)^other numbers\s+-\s+local 1111111 \(\S+\)\s+missing`),
		regexp.MustCompile(`(?m)^decide: ketenpoort review decide ` + item[1] + ` link\|separate  \(decides item ` + item[1] + `\)$`),
	} {
		if !want.MatchString(show) {
			t.Errorf("review show: want %s in\n%s", want, show)
		}
	}
	var full struct {
		Item    struct{ ID int64 }
		Records []struct{ Name struct{ Surname string } }
	}
	if err := json.Unmarshal([]byte(review("show", "--json", item[1])), &full); err != nil || strconv.FormatInt(full.Item.ID, 10) != item[1] ||
		len(full.Records) != 2 || full.Records[0].Name.Surname != "verbiest" {
		t.Errorf("review show --json: %+v, %v", full, err)
	}
	if code, _, errOut := run("review", "show", "--config", cfg, "99999"); code == 0 || !strings.Contains(errOut, "not found") {
		t.Errorf("review show of an unknown item: exit %d, stderr %s", code, errOut)
	}
	// The records of the second item are one person: separating them is refused (persons unlink splits one off).
	if code, out, errOut := run("review", "decide", "--config", cfg, linked[1], "separate"); code == 0 || !strings.Contains(errOut, "one person now") {
		t.Errorf("review decide separate of records in one person: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	// A decision needs flags before the item (Go's flag parsing): the config goes first.
	code, out, errOut := run("review", "decide", "--config", cfg, "--note", "same address in the file", item[1], "link")
	if code != 0 || !strings.Contains(out, "item "+item[1]+": link") {
		t.Fatalf("review decide: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if out := review("list"); !strings.Contains(out, "open questions: 1 (items: 1)") || strings.Contains(out, "rec-1-") {
		t.Errorf("review list after the decision:\n%s", out)
	}
	if out := review("list", "--status", "linked"); !strings.Contains(out, "one person now") || !strings.Contains(out, "1 items linked") {
		t.Errorf("review list --status linked:\n%s", out)
	}
}
