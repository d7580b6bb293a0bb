package synthetic

import (
	"fmt"
	"strconv"
)

func gcosHeader(b []byte) []byte {
	return append(b, `<?xml version="1.0" encoding="UTF-8"?>
<gcos:casusExport xmlns:gcos="http://www.ketenpoort.nl/schemas/gcos/casus/v1" xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" versie="1.0" aangemaakt="2026-11-20T06:00:00">
  <gcos:bron>
    <gcos:organisatie>ZVH-BZO</gcos:organisatie>
    <gcos:applicatie>GCOS</gcos:applicatie>
  </gcos:bron>`...)
}

// caseKinds are the GCOS case kinds with their relative frequency.
var caseKinds = []struct {
	kind   string
	weight int
	labels []string
	themes []string
}{
	{"HG", 30, []string{"tijdelijk-huisverbod", "mda++"}, []string{"huiselijk-geweld", "schulden"}},
	{"COM", 20, nil, []string{"verslaving", "schulden", "huisvesting"}},
	{"PGA", 10, []string{"pga-top"}, []string{"criminaliteit", "werk-en-inkomen"}},
	{"TOPX", 4, []string{"driehoek-geinformeerd"}, []string{"criminaliteit"}},
	{"NAZORG", 8, []string{"terugkeer-dji"}, []string{"huisvesting", "werk-en-inkomen", "identiteitsbewijs"}},
	{"VG", 10, nil, []string{"ggz", "verward-gedrag"}},
	{"MH", 3, nil, []string{"mensenhandel"}},
	{"RAD", 2, nil, []string{"radicalisering"}},
	{"JG", 8, []string{"beke-hinderlijk", "beke-overlastgevend", "beke-crimineel"}, []string{"jeugdoverlast"}},
	{"OV", 5, nil, []string{"overig"}},
}

var casePartners = []struct{ code, naam, soort string }{
	{"ZVH-BZO", "Zorg- en Veiligheidshuis Brabant Zuidoost", "zvh"},
	{"VT-BZO", "Veilig Thuis Brabant Zuidoost", "veilig-thuis"},
	{"POL-OB", "Politie Oost-Brabant", "politie"},
	{"OM-OB", "Openbaar Ministerie Oost-Brabant", "om"},
	{"RECL-ZN", "Reclassering Nederland", "reclassering"},
	{"GGZE", "GGzE", "ggz"},
	{"NOVADIC", "Novadic-Kentron", "verslavingszorg"},
	{"RVDK", "Raad voor de Kinderbescherming", "rvdk"},
	{"GEM-EHV", "Gemeente Eindhoven", "gemeente"},
	{"WOONBEDRIJF", "Woonbedrijf", "woningcorporatie"},
}

var acties = []string{"agressieregulatietraining starten", "schuldhulpverlening aanvragen", "woonbegeleiding regelen",
	"toezicht reclassering", "ggz-behandeling starten", "gezinscoach inzetten", "dagbesteding zoeken", "huisbezoek wijkagent"}

// gcosCase writes a GCOS case around household h: huiselijk geweld with pleger, slachtoffer and children; a
// jeugdgroep with 3 to 8 young people from several households; or a case about one subject with some of the
// household as gezinsleden.
func (g *generator) gcosCase(h *household) error {
	r := g.r
	g.cases++
	total := 0
	for _, k := range caseKinds {
		total += k.weight
	}
	x := r.IntN(total)
	ki := 0
	for x >= caseKinds[ki].weight {
		x -= caseKinds[ki].weight
		ki++
	}
	kind := caseKinds[ki]
	adults := h.adults()
	youth := func(p *person) bool { a := p.age(); return a >= 12 && a <= 23 }
	var ms []member
	add := func(p *person, role string) {
		for _, m := range ms {
			if m.p == p {
				return
			}
		}
		ms = append(ms, member{p: p, id: gcosID(p), role: role, v: g.observe(r, p, &profGCOS, housemate(r, p))})
	}
	switch {
	case kind.kind == "HG" && len(adults) >= 2:
		pleger, slo := adults[0], adults[1]
		if pleger.gender == 'V' && r.Float64() < 0.8 {
			pleger, slo = slo, pleger
		}
		add(pleger, "PLEG")
		add(slo, "SLO")
		for _, k := range h.children() {
			add(k, "KIND")
		}
	case kind.kind == "JG" && hasMember(h, youth):
		for _, p := range h.members {
			if youth(p) {
				add(p, "GRP")
				break
			}
		}
		size := 3 + r.IntN(6)
		for tries := 0; len(ms) < size && tries < 3*ringSize; tries++ {
			if o := g.pop.recent(2 + r.IntN(ringSize-1)); o != nil {
				for _, p := range o.members {
					if youth(p) {
						add(p, "GRP")
						break
					}
				}
			}
		}
	default:
		if kind.kind == "HG" || kind.kind == "JG" {
			kind = caseKinds[1] // COM
		}
		subj := h.members[r.IntN(len(h.members))]
		if len(adults) > 0 && (kind.kind == "NAZORG" || r.Float64() < 0.7) {
			subj = adults[r.IntN(len(adults))]
		}
		add(subj, "SUBJ")
		for _, p := range h.members {
			if p != subj && r.Float64() < 0.4 {
				add(p, "GEZ")
			}
		}
	}
	ms = trim(ms, g.left(sGCOS))
	bad := g.bad()
	w, err := g.src[sGCOS].rot.writer()
	if err != nil {
		return err
	}
	g.buf = g.appendCase(g.buf[:0], kind.kind, kind.labels, kind.themes, ms, bad)
	if _, err := w.Write(g.buf); err != nil {
		return fmt.Errorf("writing %s: %w", SourceGCOS, err)
	}
	return g.account(sGCOS, ms, bad)
}

func hasMember(h *household, ok func(*person) bool) bool {
	for _, p := range h.members {
		if ok(p) {
			return true
		}
	}
	return false
}

// appendCase writes one casus element. A bad case has a betrokkene with gender "X", which the schema refuses.
func (g *generator) appendCase(b []byte, kind string, labels, themes []string, ms []member, bad bool) []byte {
	r := g.r
	x := &xmlw{b: b, prefix: "gcos", depth: 1}
	start := eventDate(r)
	status := pick(r, []string{"AM", "TR", "IB", "IB", "IB", "AF"})
	x.open("casus", "StUF:verwerkingssoort", "T")
	x.el("casusnummer", fmt.Sprintf("C-%d-%06d", refYear, g.cases))
	x.el("soort", kind)
	if len(labels) > 0 {
		x.open("labels")
		x.el("label", pick(r, labels))
		x.close("labels")
	}
	x.el("status", status)
	if status == "AM" {
		x.nilEl("aveNiveau", "waardeOnbekend")
	} else {
		x.el("aveNiveau", strconv.Itoa(1+r.IntN(4)))
	}
	x.open("themas")
	x.el("thema", pick(r, themes))
	x.close("themas")
	x.el("startdatum", formatDate(start, layoutStUF))
	if status == "AF" {
		x.el("einddatum", formatDate(date{refYear, refMonth, refDay}, layoutStUF))
	} else {
		x.nilEl("einddatum", "geenWaarde")
	}
	if r.Float64() < 0.15 {
		x.el("betrokkeneGeinformeerd", "N")
		x.el("redenNietGeinformeerd", "informeren brengt de veiligheid van het slachtoffer in gevaar")
	} else {
		x.el("betrokkeneGeinformeerd", "J")
	}
	x.open("betrokkenen")
	for i := range ms {
		m := &ms[i]
		v := &m.v
		x.open("betrokkene", "StUF:verwerkingssoort", "T")
		x.el("persoonsnummer", m.id)
		x.el("rol", m.role)
		x.elOrNil("bsn", v.bsn, "waardeOnbekend")
		x.elOrNil("voornamen", v.given, "waardeOnbekend")
		x.opt("voorvoegsel", v.prefix)
		x.el("geslachtsnaam", v.sur)
		if v.pSur != "" {
			x.el("naamgebruik", string(v.naamgebruik))
			if v.naamgebruik != 'E' {
				x.opt("partnerVoorvoegsel", v.pPrefix)
				x.el("partnerGeslachtsnaam", v.pSur)
			}
		}
		if v.hasBirth {
			x.el("geboortedatum", formatDate(v.birth, layoutStUF))
		} else {
			x.nilEl("geboortedatum", "waardeOnbekend")
		}
		switch {
		case bad && i == 0:
			x.el("geslacht", "X")
		case v.gender == 0:
			x.nilEl("geslacht", "waardeOnbekend")
		default:
			x.el("geslacht", string(v.gender))
		}
		if v.hasAddr {
			x.open("adres")
			x.el("straat", v.street)
			x.el("huisnummer", strconv.Itoa(v.number))
			x.opt("huisletter", v.letter)
			x.opt("huisnummertoevoeging", v.toev)
			x.el("postcode", v.pc)
			x.el("woonplaats", v.city)
			x.close("adres")
		}
		x.close("betrokkene")
	}
	x.close("betrokkenen")
	x.open("partners")
	regie := casePartners[0]
	lead := casePartners[1+r.IntN(len(casePartners)-1)]
	for _, p := range []struct{ code, naam, soort, rol string }{
		{regie.code, regie.naam, regie.soort, "procesregisseur"},
		{lead.code, lead.naam, lead.soort, "casusregisseur"},
	} {
		x.open("partner")
		x.el("code", p.code)
		x.el("naam", p.naam)
		x.el("soort", p.soort)
		x.el("rol", p.rol)
		x.close("partner")
	}
	x.close("partners")
	if status != "AM" {
		x.open("planVanAanpak")
		x.el("vastgesteld", formatDate(start, layoutStUF))
		for range 1 + r.IntN(3) {
			x.open("actie")
			x.el("partner", casePartners[1+r.IntN(len(casePartners)-1)].code)
			x.el("omschrijving", pick(r, acties))
			x.el("deadline", formatDate(date{refYear + 1, 1 + r.IntN(12), 1 + r.IntN(28)}, layoutStUF))
			x.el("status", pick(r, []string{"open", "open", "gereed", "vervallen"}))
			x.close("actie")
		}
		x.close("planVanAanpak")
	}
	x.open("meldingen")
	x.open("melding")
	x.el("meldingnummer", fmt.Sprintf("M-%d-%06d", refYear, g.cases))
	x.el("datum", formatDate(start, layoutStUF))
	x.el("melder", pick(r, []string{"POL-OB", "VT-BZO", "GEM-EHV", "RECL-ZN"}))
	x.el("categorie", pick(r, themes))
	x.close("melding")
	x.close("meldingen")
	x.close("casus")
	return x.b
}
