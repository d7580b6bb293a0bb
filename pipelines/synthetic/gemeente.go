package synthetic

import (
	"fmt"
	"strconv"
	"strings"
)

var (
	// Signalen and categorieen are codes of the gemeenten's code lists (mappings/gemeente-*.csv).
	signalen    = []string{"huiselijk geweld", "overlast", "verward gedrag", "jeugdgroep", "zorgmelding", "nazorg", "casus op maat", "Huiselijk geweld"}
	regisseurs  = []string{"Wijkteam Strijp", "Wijkteam Woensel", "Wijkteam Stratum", "Wijkteam Gestel", "Wijkteam Tongelre", "ZVH-BZO"}
	categorieen = []string{"overlast", "huiselijk geweld", "hg", "verward", "jeugdoverlast", "zorgmelding", "nazorg"}
)

func eindhovenHeader(b []byte) []byte {
	return append(b, "\ufeffPersoonsnummer;BSN;Voornamen;Voorvoegsel;Geslachtsnaam;Geboortedatum;Geslacht;Straat;Huisnummer;Toevoeging;Postcode;Woonplaats;Dossiernummer;Signaal;Datum signaal;Regisseur\r\n"...)
}

func helmondHeader(b []byte) []byte {
	return append(b, `"klantnr","bsn","voorletters","voornaam","tussenv","achternaam","geb_datum","sexe","straat","huisnr","postcode","plaats","meldingsdatum","categorie"`+"\r\n"...)
}

// gemeenteDossier writes one municipal dossier about a household: a row per person in it. A person the
// municipality registered twice also gets a row under the second number.
func (g *generator) gemeenteDossier(s int, h *household) error {
	r := g.r
	g.dossiers++
	var ms []member
	idf, pr := ehvID, &profEHV
	if s == sHM {
		idf, pr = hmID, &profHM
	}
	for i, p := range h.members {
		if i > 0 && r.Float64() < 0.25 {
			continue
		}
		ms = append(ms, member{p: p, id: idf(p, false), v: g.observe(r, p, pr, housemate(r, p))})
		if p.dupNumber {
			ms = append(ms, member{p: p, id: idf(p, true), dup: true, v: g.observe(r, p, pr, housemate(r, p))})
		}
	}
	ms = trim(ms, g.left(s))
	signaal, regisseur, cat := pick(r, signalen), pick(r, regisseurs), pick(r, categorieen)
	when := eventDate(r)
	for _, m := range ms {
		bad := g.bad()
		w, err := g.src[s].rot.writer()
		if err != nil {
			return err
		}
		var b []byte
		if s == sEHV {
			b = eindhovenRow(g.buf[:0], &m.v, m.id, fmt.Sprintf("EHV-%d-%05d", refYear, g.dossiers%100000), signaal, when, regisseur, bad)
		} else {
			b = helmondRow(g.buf[:0], &m.v, m.id, when, cat, bad)
		}
		g.buf = b
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("writing %s: %w", Sources[s], err)
		}
		if err := g.account(s, []member{m}, bad); err != nil {
			return err
		}
	}
	return nil
}

// eindhovenRow writes a row of gemeente-eindhoven: ';'-separated UTF-8, Dutch dates. A bad row lacks its last
// column.
func eindhovenRow(b []byte, v *view, id, dossier, signaal string, when date, regisseur string, bad bool) []byte {
	f := make([]string, 0, 16)
	f = append(f, id, v.bsn, v.given, v.prefix, v.sur)
	if v.hasBirth {
		f = append(f, formatDate(v.birth, layoutDutch))
	} else {
		f = append(f, "")
	}
	f = append(f, genderCode(v.gender))
	if v.hasAddr {
		toev := v.letter
		if toev == "" {
			toev = v.toev
		}
		pc := v.pc
		if v.number%2 == 0 { // about half written with a space
			pc = pc[:4] + " " + pc[4:]
		}
		f = append(f, v.street, strconv.Itoa(v.number), toev, pc, v.city)
	} else {
		f = append(f, "", "", "", "", "")
	}
	f = append(f, dossier, signaal, formatDate(when, layoutDutch), regisseur)
	if bad {
		f = f[:len(f)-1]
	}
	for i, s := range f {
		if i > 0 {
			b = append(b, ';')
		}
		if strings.ContainsAny(s, ";\"\r\n") {
			b = appendQuoted(b, s, utf8Text)
		} else {
			b = append(b, s...)
		}
	}
	return append(b, "\r\n"...)
}

// helmondRow writes a row of gemeente-helmond: ',', every field quoted, Windows-1252, dates YYYYMMDD. A bad row
// lacks its last column.
func helmondRow(b []byte, v *view, id string, when date, cat string, bad bool) []byte {
	f := make([]string, 0, 14)
	first := v.given
	if i := strings.IndexByte(first, ' '); i > 0 {
		first = first[:i]
	}
	f = append(f, id, v.bsn, v.initials, first, v.prefix, v.sur)
	if v.hasBirth {
		f = append(f, formatDate(v.birth, layoutStUF))
	} else {
		f = append(f, "")
	}
	f = append(f, genderCode(v.gender))
	if v.hasAddr {
		f = append(f, v.street, houseNumber(v), v.pc, v.city)
	} else {
		f = append(f, "", "", "", "")
	}
	f = append(f, formatDate(when, layoutStUF), cat)
	if bad {
		f = f[:len(f)-1]
	}
	for i, s := range f {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, s, cp1252Text)
	}
	return append(b, "\r\n"...)
}

func appendQuoted(b []byte, s string, cs charset) []byte {
	b = append(b, '"')
	b = appendText(b, strings.ReplaceAll(s, `"`, `""`), cs, false)
	return append(b, '"')
}
