// Package synthetic generates deterministic synthetic data for every ketenpoort source, with the ground truth
// of who is who, for testing and measuring person resolution (`ketenpoort generate`).
//
// # What it writes
//
// Generate writes into Options.Out:
//
//	gcos/casus-export-00001.xml           GCOS case exports (xsd/gcos), ≤ FileRecords cases a file
//	zsm/zaakberichten-00001.xml           ZSM feed pages (xsd/zsm)
//	veiligthuis/meldingen-00001.xml       Veilig Thuis Brabant Zuidoost, ISO-8859-1 (xsd/veiligthuis)
//	veiligthuis-vast/meldingen-vast-00001.txt  Veilig Thuis fixed-width export of the other regions, ASCII, CRLF
//	gemeente-eindhoven/eindhoven-00001.csv     ';', UTF-8 with BOM, CRLF, DD-MM-YYYY
//	gemeente-helmond/helmond-00001.csv         ',', all fields quoted, Windows-1252, YYYYMMDD
//	stufbg/0001/npsLk01-0000001.xml       one StUF-BG 3.10 npsLk01 SOAP message a file, ≤ 1000 files a folder
//	truth.csv                             source,local_id,person_id: one line per (source, local id)
//	manifest.json                         the Summary
//
// The directory names are the source names, which are those of the shipped mappings (mappings/<source>.yaml).
// Every file reads with the shipped schemas, layout and mappings without a rejection; with Options.BadRate a
// share of the records is made invalid on purpose (a gender "X" in GCOS and StUF-BG, a malformed parketnummer
// in ZSM, an ISO datumMelding in the Veilig Thuis XML, a person line one byte short in the fixed-width file, a
// missing column in the CSVs). The persons of a bad record get no truth line from it.
//
// Local ids: GCOS persoonsnummer (stable per person across cases), the ZSM verdachte's SKN and "<berichtId>-S<n>"
// for the n-th slachtoffer of a message, the Veilig Thuis clientnummer, the gemeente Persoonsnummer and klantnr
// (a second number for persons registered twice), and the BRP key "BRP.<a-nummer>" in StUF:sleutelVerzendend.
// Person ids are "T0000001" onwards.
//
// # Shares
//
// Options.Records counts person-records: a betrokkene in a case, a verdachte or slachtoffer in a message, a
// person in a melding, a row, a kennisgeving. They are divided as Share says: gemeente-eindhoven 20%,
// gemeente-helmond 10%, gcos 15%, zsm 20%, veiligthuis 10%, veiligthuis-vast 10%, stufbg 15%. The division is
// exact; event probabilities adapt while generating so that all sources fill up together. With 1M records
// about 650,000 persons are made; about 510,000 of them appear, half of those in two or more sources.
//
// # Population
//
// Households: 35% single adults, 25% couples, 30% couples with children, 10% single parents; 70% of couples
// married or registered, with naamgebruik E/P/V/N (women: 50% E, 15% P, 25% V, 10% N; men 97% E). Children take
// the father's surname; 3% of households with children have twins (same surname, birth date and address,
// another first name and BSN); 2% of households have a look-alike of a recent person (same first name, surname
// and birth year). 1% of persons have a partial birth date in the BRP itself. Places are weighted towards
// Brabant Zuidoost with their real postcode ranges (Eindhoven 5611-5658, Helmond 5701-5709, Tilburg 5011-5049,
// 's-Hertogenbosch 5211-5237, ...). Names come from embedded lists (data/), Zipf-weighted, with 30% of surnames
// carrying a voorvoegsel and first names of Dutch, Moroccan, Turkish, Surinamese and Polish origin.
// BSNs pass the elfproef and are unique per person; SKNs have 8 digits; a-nummers are a-nummer-like 10 digits.
//
// Cases: GCOS cases are huiselijk geweld (pleger, slachtoffer, children), jeugdgroepen (3-8 groepsleden aged
// 12-23 from several households) or cases about one subject with gezinsleden. ZSM messages have a verdachte and
// 0-2 slachtoffers (the partner for domestic violence). Veilig Thuis meldingen have slachtoffer, pleger and
// children. A gemeente dossier lists some of a household; 3% of persons are registered twice.
//
// # Corruption
//
// StUF-BG, the authority, carries the truth. Every other appearance of a person is corrupted independently:
//
//	typo (keyboard neighbour) in surname 3%, in first name 3%; adjacent transposition 1.5%
//	first and last name swapped 1%; diacritics dropped 30% of names that have them (always in fixed-width)
//	voorvoegsel written into the surname 1% ("van der Meijden"), glued 1% ("Vandermeijden")
//	voorvoegsel abbreviated: ZSM 35% (v.d., vd), Helmond 55% (vd, v.d., v/d, v)
//	used name instead of own for persons with naamgebruik P/V/N: GCOS 15%, ZSM 30%, slachtoffer 40%,
//	  Veilig Thuis 50% ("Meijden-Jansen"), Eindhoven 10%, Helmond 20%; partner's name by mistake 0.5%
//	birth date missing 2%, year only 1.5%, day and month swapped 1%, a digit wrong 1%
//	first names missing 1.5%, gender missing 1%; only the roepnaam: GCOS 30%, ZSM 60%, VT 90%, Helmond always
//	BSN missing: GCOS 10%, ZSM verdachte 15%, slachtoffer 65%, Veilig Thuis 70%, Eindhoven 5%, Helmond 10%
//	BSN wrong 0.5%: 80% failing the elfproef (one digit changed), 20% a housemate's valid BSN
//	address missing: GCOS 15%, ZSM 20% (slachtoffer 60%), VT 20%, gemeenten 3%
//
// Dates follow each format: YYYYMMDD with 00 for unknown parts (GCOS, StUF-BG with indOnvolledigeDatum,
// fixed-width, Helmond), DD-MM-YYYY with 00 (Veilig Thuis XML, Eindhoven), ISO in ZSM, where a partial date
// cannot be written and is left out (xsi:nil).
//
// # Determinism and memory
//
// Each household is made from its own PCG stream seeded by (seed, household number), so the same options give
// byte-identical output. Only the last 64 households are kept (for youth groups, look-alikes and victims
// from other households), plus a bit per person and source for the truth file's deduplication: 1M records take
// about 20 MB of resident memory.
package synthetic
