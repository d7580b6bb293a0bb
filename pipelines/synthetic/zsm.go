package synthetic

import (
	"fmt"
	"strings"
)

func zsmHeader(b []byte) []byte {
	return append(b, `<?xml version="1.0" encoding="UTF-8"?>
<zsm:zaakBerichten xmlns:zsm="http://www.ketenpoort.nl/schemas/zsm/zaak/v1" xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" arrondissement="01">`...)
}

// feiten are ZSM offences; partner marks those whose victim is typically the suspect's partner.
var feiten = []struct {
	code, artikel, omschrijving string
	partner, victim             bool
}{
	{"F300", "Sr 300", "mishandeling", true, true},
	{"F285", "Sr 285", "bedreiging", true, true},
	{"F310", "Sr 310", "diefstal", false, true},
	{"F311", "Sr 311", "diefstal met braak", false, true},
	{"F350", "Sr 350", "vernieling", false, true},
	{"F141", "Sr 141", "openlijke geweldpleging", false, true},
	{"F416", "Sr 416", "heling", false, false},
	{"FWVW8", "WVW 8", "rijden onder invloed", false, false},
	{"FOPW2", "Opw 2", "bezit harddrugs", false, false},
	{"F184", "Sr 184", "niet voldoen aan bevel", false, false},
}

var beslissingen = []string{"SEPOT", "OMSTRAFBESCHIKKING", "TRANSACTIE", "DAGVAARDING", "VOORGELEIDING", "HALT",
	"TAAKSTRAF", "VOORWAARDELIJK", "DOORVERWIJZING-ZORG"}

// zsmVerdachte writes one to three ZSM messages about a suspect from household h, each a new zaak with the
// suspect (keyed on the SKN) and the victims, if any: the partner for domestic violence, a person from another
// household for other offences.
func (g *generator) zsmVerdachte(h *household) error {
	r := g.r
	var cands []*person
	for _, p := range h.members {
		if p.age() >= 12 {
			cands = append(cands, p)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	susp := cands[r.IntN(len(cands))]
	for _, p := range cands {
		if p.adult && p.gender == 'M' && r.Float64() < 0.5 {
			susp = p
			break
		}
	}
	n := 1
	for n < 3 && r.Float64() < 0.3 {
		n++
	}
	for range n {
		if g.left(sZSM) == 0 {
			break
		}
		if err := g.zaakBericht(susp); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) zaakBericht(susp *person) error {
	r := g.r
	g.messages++
	id := fmt.Sprintf("ZSM-01-%d-%07d", refYear, g.messages)
	feit := feiten[r.IntN(len(feiten))]
	ms := []member{{p: susp, id: susp.skn(), role: "verdachte", v: g.observe(r, susp, &profZSM, housemate(r, susp))}}
	var victims []*person
	switch {
	case feit.partner && susp.partner != nil && r.Float64() < 0.8:
		victims = append(victims, susp.partner)
	case feit.victim && r.Float64() < 0.6:
		if v := g.recentPerson(func(p *person) bool { return p.adult && p != susp }); v != nil {
			victims = append(victims, v)
		}
		if len(victims) == 1 && r.Float64() < 0.15 {
			if v := g.recentPerson(func(p *person) bool { return p.adult && p != susp }); v != nil && v != victims[0] {
				victims = append(victims, v)
			}
		}
	}
	for i, v := range victims {
		ms = append(ms, member{p: v, id: fmt.Sprintf("%s-S%d", id, i+1), once: true, role: "slachtoffer",
			v: g.observe(r, v, &profZSMVictim, nil)})
	}
	ms = trim(ms, g.left(sZSM))
	bad := g.bad()
	w, err := g.src[sZSM].rot.writer()
	if err != nil {
		return err
	}
	g.buf = g.appendZaak(g.buf[:0], id, feit.code, feit.artikel, feit.omschrijving, ms, bad)
	if _, err := w.Write(g.buf); err != nil {
		return fmt.Errorf("writing %s: %w", SourceZSM, err)
	}
	return g.account(sZSM, ms, bad)
}

// appendZaak writes one zaakBericht. A bad one has a parketnummer of the wrong form.
func (g *generator) appendZaak(b []byte, id, code, artikel, omschrijving string, ms []member, bad bool) []byte {
	r := g.r
	x := &xmlw{b: b, prefix: "zsm", depth: 1}
	when := eventDate(r)
	x.open("zaakBericht", "volgnummer", fmt.Sprint(g.messages), "StUF:verwerkingssoort", "T")
	x.el("berichtId", id)
	x.el("tijdstip", fmt.Sprintf("%sT%02d:%02d:00+01:00", formatDate(when, layoutISO), 8+r.IntN(10), r.IntN(60)))
	park := fmt.Sprintf("01/%06d-%02d", g.messages%1_000_000, refYear%100)
	if bad {
		park = strings.Replace(park, "/", "-", 1)
	}
	x.el("parketnummer", park)
	for i := range ms {
		m := &ms[i]
		v := &m.v
		if i == 0 {
			x.open("verdachte")
			x.el("skn", m.id)
		} else {
			x.open("slachtoffer")
			x.nilEl("skn", "geenWaarde")
		}
		switch {
		case v.bsn != "":
			x.el("bsn", v.bsn)
		case i == 0:
			x.nilEl("bsn", "waardeOnbekend")
		default:
			x.nilEl("bsn", "nietGeautoriseerd")
		}
		x.elOrNil("voornamen", v.given, "waardeOnbekend")
		x.opt("voorvoegsel", v.prefix)
		x.el("achternaam", v.sur)
		if d := formatDate(v.birth, layoutISO); v.hasBirth && d != "" {
			x.el("geboortedatum", d)
		} else {
			x.nilEl("geboortedatum", "waardeOnbekend")
		}
		if v.gender == 0 {
			x.nilEl("geslacht", "waardeOnbekend")
		} else {
			x.el("geslacht", string(v.gender))
		}
		if v.hasAddr {
			pc := v.pc
			if i == 0 && r.IntN(2) == 0 {
				pc = pc[:4] + " " + pc[4:]
			}
			x.open("adres")
			x.el("straat", v.street)
			x.el("huisnummer", houseNumber(v))
			x.el("postcode", pc)
			x.el("woonplaats", v.city)
			x.close("adres")
		}
		if i == 0 {
			x.close("verdachte")
		} else {
			x.close("slachtoffer")
		}
	}
	x.open("feiten")
	x.open("feit")
	x.el("feitcode", code)
	x.el("wetsartikel", artikel)
	x.el("omschrijving", omschrijving)
	x.el("pleegdatum", formatDate(when, layoutISO))
	x.close("feit")
	x.close("feiten")
	if r.Float64() < 0.2 {
		x.nilEl("beslissing", "geenWaarde")
	} else {
		x.open("beslissing")
		x.el("code", pick(r, beslissingen))
		x.el("datum", formatDate(when, layoutISO))
		x.close("beslissing")
	}
	x.open("partners")
	x.open("partner")
	x.el("code", "RECL-ZN")
	x.el("soort", "reclassering")
	x.el("rol", "advies")
	x.close("partner")
	x.close("partners")
	x.close("zaakBericht")
	return x.b
}
