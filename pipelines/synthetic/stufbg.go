package synthetic

import (
	"fmt"
	"path/filepath"
	"strconv"
)

// kennisgeving writes one StUF-BG 3.10 npsLk01 (a new person, mutatiesoort T) as one SOAP message in a file of
// its own, as kennisgevingen arrive over HTTP: stufbg/0001/npsLk01-0000001.xml, at most 1000 files a folder.
// The BRP is the authority: its data is the truth, with a valid BSN always.
func (g *generator) kennisgeving(p *person) error {
	st := g.src[sBRP]
	g.kennisgevingen++
	k := g.kennisgevingen
	bad := g.bad()
	v := g.observe(g.r, p, &profStUF, nil)
	x := &xmlw{prefix: "BG", b: g.buf[:0]}
	x.b = append(x.b, `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310" xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Header/>
<soapenv:Body>`...)
	x.open("npsLk01")
	x.open("stuurgegevens")
	x.prefix = "StUF"
	x.el("berichtcode", "Lk01")
	x.open("zender")
	x.el("organisatie", gemeenteCode(p.hh.place.name))
	x.el("applicatie", "BRP")
	x.close("zender")
	x.open("ontvanger")
	x.el("organisatie", "ZVH-BZO")
	x.el("applicatie", "ketenpoort")
	x.close("ontvanger")
	x.el("referentienummer", fmt.Sprintf("BRP-%d-%09d", g.opt.Seed&0xffff, k))
	ts := eventDate(g.r)
	x.el("tijdstipBericht", fmt.Sprintf("%04d%02d%02d%02d%02d%02d00", ts.y, ts.m, ts.d, g.r.IntN(24), g.r.IntN(60), g.r.IntN(60)))
	x.el("entiteittype", "NPS")
	x.prefix = "BG"
	x.close("stuurgegevens")
	x.open("parameters")
	x.prefix = "StUF"
	x.el("mutatiesoort", "T")
	x.el("indicatorOvername", "V")
	x.prefix = "BG"
	x.close("parameters")
	x.open("object", "StUF:entiteittype", "NPS", "StUF:sleutelVerzendend", brpKey(p), "StUF:verwerkingssoort", "T")
	x.opt("inp.bsn", v.bsn)
	x.el("inp.a-nummer", p.aNummer())
	x.el("geslachtsnaam", v.sur)
	x.opt("voorvoegselGeslachtsnaam", v.prefix)
	x.el("voorletters", v.initials)
	x.el("voornamen", v.given)
	x.el("aanduidingNaamgebruik", string(v.naamgebruik))
	if v.pSur != "" {
		x.el("geslachtsnaamPartner", v.pSur)
		x.opt("voorvoegselGeslachtsnaamPartner", v.pPrefix)
	}
	gender := string(v.gender)
	if bad {
		gender = "X" // not in the enumeration M, V, O
	}
	x.el("geslachtsaanduiding", gender)
	switch {
	case v.birth.m == 0:
		x.el("geboortedatum", formatDate(v.birth, layoutStUF), "StUF:indOnvolledigeDatum", "M")
	case v.birth.d == 0:
		x.el("geboortedatum", formatDate(v.birth, layoutStUF), "StUF:indOnvolledigeDatum", "D")
	default:
		x.el("geboortedatum", formatDate(v.birth, layoutStUF))
	}
	x.open("verblijfsadres")
	x.el("wpl.woonplaatsNaam", v.city)
	x.el("gor.openbareRuimteNaam", v.street)
	x.el("gor.straatnaam", v.street)
	x.el("aoa.postcode", v.pc)
	x.el("aoa.huisnummer", strconv.Itoa(v.number))
	x.opt("aoa.huisletter", v.letter)
	x.opt("aoa.huisnummertoevoeging", v.toev)
	x.close("verblijfsadres")
	x.close("object")
	x.close("npsLk01")
	x.b = append(x.b, "\n</soapenv:Body>\n</soapenv:Envelope>\n"...)
	g.buf = x.b

	dir := filepath.Join(g.opt.Out, SourceStUFBG, fmt.Sprintf("%04d", (k-1)/stufFilesPerDir+1))
	if (k-1)%stufFilesPerDir == 0 {
		st.sum.Files = append(st.sum.Files, dir) // one entry per folder, not per message
	}
	if err := writeFile(filepath.Join(dir, fmt.Sprintf("npsLk01-%07d.xml", k)), x.b); err != nil {
		return err
	}
	return g.account(sBRP, []member{{p: p, id: brpKey(p)}}, bad)
}

// gemeenteCode returns the CBS code of the municipality keeping a place's BRP.
func gemeenteCode(place string) string {
	if c, ok := gemeenteCodes[place]; ok {
		return c
	}
	return "0000"
}

var gemeenteCodes = map[string]string{
	"Eindhoven": "0772", "Helmond": "0794", "Veldhoven": "0861", "Geldrop": "1771", "Best": "0753",
	"Nuenen": "0820", "Deurne": "0762", "Tilburg": "0855", "Waalwijk": "0867", "'s-Hertogenbosch": "0796",
	"Oss": "1987", "Boxtel": "0757", "Uden": "1982", "Breda": "0758",
}
