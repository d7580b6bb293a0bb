package stage

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
)

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// manyInputs are inputs of every kind: good and bad rows, a record that a later input carries again with other
// data, an input that cannot be read on, an unknown source, and enough rows to span several transactions.
func manyInputs() []stage3 {
	head := "\ufeffPersoonsnummer;BSN;Voornamen;Voorvoegsel;Geslachtsnaam;Geboortedatum;Geslacht;Straat;Huisnummer;Toevoeging;Postcode;Woonplaats;Dossiernummer;Signaal;Datum signaal;Regisseur\r\n"
	var big strings.Builder
	big.WriteString(head)
	for i := range 25 {
		fmt.Fprintf(&big, "EHV-B%d;;Jan;;Jansen;01-01-19%02d;M;Markt;%d;;5611AB;Eindhoven;D-%d;overlast;01-03-2026;Wijkteam\r\n", i, 50+i, i+1, i)
	}
	again := head + "EHV-1;111222333;Johannes;van der;Meijden;00-00-1968;M;Kerkstraat;14;;5611 AB;Eindhoven;D-1;huiselijk geweld;02-03-2026;Wijkteam\r\n"
	return []stage3{
		{"gemeente-eindhoven", "in-1", csvInput},
		{"gemeente-eindhoven", "in-2", big.String()},
		{"nope", "in-3", "x"},
		{"gemeente-eindhoven", "in-4", "Persoonsnummer;Geslachtsnaam\r\nEHV-9;\"unterminated"},
		{"gemeente-eindhoven", "in-5", again},
	}
}

type stage3 struct{ source, id, body string }

// snapshot is what the stage wrote, as comparable text.
func snapshot(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'record ' || source || '/' || local_id || ' ' || message_id || ' ' || md5(record::text) FROM source_records ORDER BY 1`,
		`SELECT 'dead ' || source || ' ' || message_id || ' ' || coalesce(position, '') || ' ' || reason || ' ' || md5(raw) FROM dead_letters ORDER BY 1`,
		`SELECT 'outbox ' || topic || ' ' || message_id || ' ' || md5(payload) FROM outbox ORDER BY 1`,
	} {
		rows, err := pool.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestProcessManyStoresWhatProcessStores(t *testing.T) {
	at := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	ins := manyInputs()
	prov := func(in stage3) canonical.Provenance {
		return canonical.Provenance{Source: in.source, ReceivedAt: at, MessageID: in.id}
	}

	one, poolOne := newStage(t)
	var want []Counts
	for _, in := range ins {
		c, err := one.Process(context.Background(), prov(in), bytes.NewReader([]byte(in.body)))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}

	many, poolMany := newStage(t)
	many.ChunkSize = 7 // transactions spanning inputs, and inputs spanning transactions
	inputs := make([]Input, len(ins))
	for i, in := range ins {
		inputs[i] = Input{Prov: prov(in), Open: func() (io.ReadSeekCloser, error) {
			return nopCloser{bytes.NewReader([]byte(in.body))}, nil
		}}
	}
	var got []Counts
	var order []int
	err := many.ProcessMany(context.Background(), inputs, ManyOptions{Workers: 3, Done: func(i int, c Counts) {
		order = append(order, i)
		got = append(got, c)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(order) != "[0 1 2 3 4]" {
		t.Errorf("inputs reported in order %v, want input order", order)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counts %v, want %v as Process gives", got, want)
	}
	a, b := snapshot(t, poolOne), snapshot(t, poolMany)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("ProcessMany stored\n%s\n\nProcess stored\n%s", strings.Join(b, "\n"), strings.Join(a, "\n"))
	}
	if len(a) < 30 {
		t.Errorf("only %d rows stored: the inputs do not exercise the stage", len(a))
	}
	// The record carried again by a later input holds the later data.
	var first string
	if err := poolMany.QueryRow(context.Background(), `SELECT record->'persons'->0->'name'->>'givenNames' FROM source_records WHERE local_id = 'EHV-1'`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first, "Johannes") {
		t.Errorf("EHV-1 holds given names %q, want those of the later input", first)
	}
}

func TestProcessManyStopsOnAnInputThatCannotBeOpened(t *testing.T) {
	st, _ := newStage(t)
	inputs := []Input{
		{Prov: canonical.Provenance{Source: "gemeente-eindhoven", ReceivedAt: time.Now(), MessageID: "a"},
			Open: func() (io.ReadSeekCloser, error) { return nopCloser{bytes.NewReader([]byte(csvInput))}, nil }},
		{Prov: canonical.Provenance{Source: "gemeente-eindhoven", ReceivedAt: time.Now(), MessageID: "b"},
			Open: func() (io.ReadSeekCloser, error) { return nil, fmt.Errorf("open b.csv: no such file") }},
	}
	for range 3 {
		inputs = append(inputs, inputs[0])
	}
	err := st.ProcessMany(context.Background(), inputs, ManyOptions{Workers: 2})
	if err == nil || !strings.Contains(err.Error(), "b.csv") {
		t.Fatalf("err = %v, want the open error naming the file", err)
	}
}

// storedHook records what ProcessMany's Stored hook passes on, and checks in the call that the records are
// committed already: another connection sees them.
type storedHook struct {
	t     *testing.T
	pool  *pgxpool.Pool
	calls []string // "input source/local-id"
}

func (h *storedHook) stored(i int, recs []canonical.Record) {
	for _, rec := range recs {
		p := rec.Provenance
		var msg string
		err := h.pool.QueryRow(context.Background(), `SELECT message_id FROM source_records WHERE source = $1 AND local_id = $2`,
			p.Source, p.LocalID).Scan(&msg)
		if err != nil || msg != p.MessageID {
			h.t.Errorf("input %d: %s/%s passed on before its transaction committed: message %q, %v", i, p.Source, p.LocalID, msg, err)
		}
		h.calls = append(h.calls, fmt.Sprintf("%d %s/%s", i, p.Source, p.LocalID))
	}
}

func manyOf(ins []stage3) []Input {
	at := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	inputs := make([]Input, len(ins))
	for i, in := range ins {
		inputs[i] = Input{Prov: canonical.Provenance{Source: in.source, ReceivedAt: at, MessageID: in.id},
			Open: func() (io.ReadSeekCloser, error) { return nopCloser{bytes.NewReader([]byte(in.body))}, nil }}
	}
	return inputs
}

func TestProcessManyPassesOnStoredRecordsInInputOrder(t *testing.T) {
	st, pool := newStage(t)
	st.ChunkSize = 7 // transactions spanning inputs, and inputs spanning transactions
	h := &storedHook{t: t, pool: pool}
	records := 0
	err := st.ProcessMany(context.Background(), manyOf(manyInputs()), ManyOptions{Workers: 3, Stored: h.stored,
		Done: func(_ int, c Counts) { records += c.Records }})
	if err != nil {
		t.Fatal(err)
	}
	// Input 1 has one good record among rejections, input 2 twenty-five, inputs 3 and 4 none (an unknown source,
	// an unreadable input), input 5 carries EHV-1 again.
	want := []string{"0 gemeente-eindhoven/EHV-1"}
	for i := range 25 {
		want = append(want, fmt.Sprintf("1 gemeente-eindhoven/EHV-B%d", i))
	}
	want = append(want, "4 gemeente-eindhoven/EHV-1")
	if strings.Join(h.calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("passed on\n%s\nwant\n%s", strings.Join(h.calls, "\n"), strings.Join(want, "\n"))
	}
	if len(h.calls) != records {
		t.Errorf("%d records passed on, %d stored", len(h.calls), records)
	}
}

func TestProcessManyPassesOnNothingOfAFailedTransaction(t *testing.T) {
	st, pool := newStage(t)
	st.ChunkSize = 7
	// The database refuses one record of the second input: its transaction, the third, rolls back.
	_, err := pool.Exec(context.Background(), `
		CREATE FUNCTION refuse_b16() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.local_id = 'EHV-B16' THEN RAISE EXCEPTION 'refused %', NEW.local_id; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_b16 BEFORE INSERT ON source_records FOR EACH ROW EXECUTE FUNCTION refuse_b16()`)
	if err != nil {
		t.Fatal(err)
	}
	h := &storedHook{t: t, pool: pool}
	err = st.ProcessMany(context.Background(), manyOf(manyInputs()), ManyOptions{Workers: 3, Stored: h.stored})
	if err == nil || !strings.Contains(err.Error(), "refused EHV-B16") {
		t.Fatalf("err = %v, want the refusal", err)
	}
	// Transactions of 7 outcomes: input 1 (4 outcomes) with EHV-B0..B2, then EHV-B3..B9; EHV-B10..B16 fail.
	want := []string{"0 gemeente-eindhoven/EHV-1"}
	for i := range 10 {
		want = append(want, fmt.Sprintf("1 gemeente-eindhoven/EHV-B%d", i))
	}
	if strings.Join(h.calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("passed on\n%s\nwant what was committed\n%s", strings.Join(h.calls, "\n"), strings.Join(want, "\n"))
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM source_records`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(h.calls) {
		t.Errorf("%d records stored, %d passed on", n, len(h.calls))
	}
}
