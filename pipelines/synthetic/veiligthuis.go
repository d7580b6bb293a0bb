package synthetic

import (
	"fmt"
	"strconv"
	"strings"
)

var (
	melderSoorten  = []string{"politie", "politie", "politie", "huisarts", "school", "buurtteam", "burger", "betrokkene", "ziekenhuis", "anders"}
	melderOrgs     = map[string]string{"politie": "POL-OB", "huisarts": "HA-KRING", "school": "PO-RAAD", "ziekenhuis": "MMC", "buurtteam": "WIJKTEAM"}
	typenGeweld    = []string{"fysiek", "psychisch", "seksueel", "verwaarlozing", "kindermishandeling", "getuige-huiselijk-geweld", "financieel", "eergerelateerd"}
	risicos        = []string{"laag", "verhoogd", "verhoogd", "hoog", "acuut"}
	vervolgstappen = []string{"advies", "onderzoek", "voorwaarden-en-vervolg", "overdracht-lokaal-team", "overdracht-zvh", "afgesloten"}
)

func vtHeader(b []byte) []byte {
	return append(b, `<?xml version="1.0" encoding="ISO-8859-1"?>
<vt:meldingenExport xmlns:vt="http://www.ketenpoort.nl/schemas/veiligthuis/meldingen/v1" regio="VT-BZO" exportdatum="20-11-2026">`...)
}

// vtMelding is a Veilig Thuis melding about a household.
type vtMelding struct {
	id      string
	datum   date
	melder  string
	org     string
	types   []string
	risico  string
	vervolg string
	persons []member // slachtoffer(s), pleger, kinderen, in that order; role "slachtoffer", "pleger", "kind"
}

// melding writes a Veilig Thuis melding about household h to source s (the XML export of Brabant Zuidoost, or
// the fixed-width export of the other regions): the victim, the suspected perpetrator and the children.
func (g *generator) melding(s int, h *household) error {
	r := g.r
	g.meldingen++
	m := vtMelding{id: fmt.Sprintf("VT-%d-%06d", refYear, g.meldingen%1_000_000), datum: eventDate(r),
		melder: pick(r, melderSoorten), risico: pick(r, risicos), vervolg: pick(r, vervolgstappen)}
	m.org = melderOrgs[m.melder]
	m.types = append(m.types, pick(r, typenGeweld[:3]))
	if len(h.children()) > 0 && r.Float64() < 0.6 {
		m.types = append(m.types, "getuige-huiselijk-geweld")
	}
	adults := h.adults()
	var victim, perp *person
	switch {
	case len(adults) >= 2:
		victim, perp = adults[0], adults[1]
		if victim.gender == 'M' && r.Float64() < 0.85 {
			victim, perp = perp, victim
		}
	case len(adults) == 1:
		victim = adults[0]
		if r.Float64() < 0.5 { // an ex-partner living elsewhere
			perp = g.recentPerson(func(p *person) bool { return p.adult && p.gender != victim.gender })
		}
	default:
		victim = h.members[0]
	}
	idf, pr := vtxID, &profVT
	if s == sVTV {
		idf = vtvID
	}
	add := func(p *person, role string) {
		m.persons = append(m.persons, member{p: p, id: idf(p), role: role, v: g.observe(r, p, pr, housemate(r, p))})
	}
	add(victim, "slachtoffer")
	if perp != nil {
		add(perp, "pleger")
	}
	for _, k := range h.children() {
		if k != victim && r.Float64() < 0.9 {
			add(k, "kind")
		}
	}
	m.persons = trim(m.persons, g.left(s))
	bad := g.bad()
	w, err := g.src[s].rot.writer()
	if err != nil {
		return err
	}
	if s == sVTX {
		g.buf = vtXML(g.buf[:0], &m, bad)
	} else {
		g.buf = vtVast(g.buf[:0], &m, bad)
	}
	if _, err := w.Write(g.buf); err != nil {
		return fmt.Errorf("writing %s: %w", Sources[s], err)
	}
	return g.account(s, m.persons, bad)
}

// vtXML writes a melding of the ISO-8859-1 XML export; a bad one has its date in ISO form, which the schema
// refuses.
func vtXML(b []byte, m *vtMelding, bad bool) []byte {
	x := &xmlw{b: b, prefix: "vt", cs: latin1Text, depth: 1}
	x.open("melding")
	x.el("meldingId", m.id)
	if bad {
		x.el("datumMelding", formatDate(m.datum, layoutISO))
	} else {
		x.el("datumMelding", formatDate(m.datum, layoutDutch))
	}
	x.open("melder")
	x.el("soort", m.melder)
	x.opt("organisatie", m.org)
	x.close("melder")
	for _, t := range m.types {
		x.el("typeGeweld", t)
	}
	x.open("risicotaxatie")
	x.el("instrument", "RTI-HG")
	x.el("uitkomst", m.risico)
	x.close("risicotaxatie")
	x.el("vervolgstap", m.vervolg)
	x.open("betrokkenen")
	for i := range m.persons {
		p := &m.persons[i]
		v := &p.v
		x.open("persoon", "rol", p.role)
		x.el("clientnummer", p.id)
		x.opt("bsn", v.bsn)
		x.opt("voornamen", v.given)
		x.opt("tussenvoegsel", v.prefix)
		x.el("achternaam", v.sur)
		if v.hasBirth {
			x.el("geboortedatum", formatDate(v.birth, layoutDutch))
		}
		x.opt("geslacht", genderCode(v.gender))
		if v.hasAddr {
			x.el("postcode", v.pc)
			x.el("huisnummer", houseNumber(v))
			x.el("woonplaats", v.city)
		}
		x.close("persoon")
	}
	x.close("betrokkenen")
	x.close("melding")
	return x.b
}

// vtVast writes a melding of the fixed-width export: an M line of 121 bytes and a line of 142 bytes per person,
// CRLF, ASCII. A bad melding has a person line one byte short, which rejects the whole melding.
func vtVast(b []byte, m *vtMelding, bad bool) []byte {
	b = append(b, 'M')
	b = padField(b, m.id, 15)
	b = padField(b, formatDate(m.datum, layoutStUF), 8)
	b = padField(b, m.melder, 12)
	b = padField(b, m.org, 10)
	types := m.types[0]
	for _, t := range m.types[1:] {
		if len(types)+1+len(t) <= 40 {
			types += "," + t
		}
	}
	b = padField(b, types, 40)
	b = padField(b, m.risico, 10)
	b = padField(b, m.vervolg, 25)
	b = append(b, "\r\n"...)
	for i := range m.persons {
		p := &m.persons[i]
		v := &p.v
		b = append(b, strings.ToUpper(p.role[:1])...)
		b = padField(b, p.id, 12)
		b = padField(b, v.bsn, 9)
		b = padField(b, v.given, 30)
		b = padField(b, v.prefix, 10)
		b = padField(b, v.sur, 35)
		if v.hasBirth {
			b = padField(b, formatDate(v.birth, layoutStUF), 8)
		} else {
			b = padField(b, "", 8)
		}
		b = padField(b, genderCode(v.gender), 1)
		if v.hasAddr {
			nr := strconv.Itoa(v.number) + v.letter + v.toev
			b = padField(b, v.pc, 6)
			b = padField(b, nr, 5)
			b = padField(b, v.city, 25)
		} else {
			b = padField(b, "", 36)
		}
		if bad && i == 0 {
			b = b[:len(b)-1]
		}
		b = append(b, "\r\n"...)
	}
	return b
}
