#!/usr/bin/env bash
# demo.sh BIN — shows ketenpoort end to end on the embedded defaults (an in-process Kafka-protocol broker on
# 127.0.0.1:9092 and the PostgreSQL found on this machine, or a private cluster), with the configuration in
# deploy/demo.yml and its data in demo-data/:
#   1. the sources and their golden cases, and what a schema error looks like;
#   2. `ketenpoort run`, partners pushing their example exports to the intake;
#   3. what came out: mapped records and dead-letter notices on Kafka (read with kcat), the outbox drained;
#   4. a clean stop with SIGTERM.
set -euo pipefail
bin=${1:-bin/ketenpoort}
cfg=deploy/demo.yml
ops=http://127.0.0.1:8080
intake=http://127.0.0.1:8081
log=demo-data/ketenpoort.log
mkdir -p demo-data

step() { printf '\n== %s\n' "$*"; }

step "ketenpoort $("$bin" version | cut -d' ' -f2): the sources, each declared by one mapping file"
"$bin" sources

step "golden cases of every mapping (ketenpoort mapping test mappings)"
"$bin" mapping test mappings | tail -n 1

step "a GCOS case export that breaks its schema (strict): rejected, naming the element and the line"
"$bin" validate --source gcos mappings/testdata/gcos/onbekende-soort.in.xml || true

step "a BRP kennisgeving writing postcode \"1234 AB\" (StUF-BG is lenient): it goes on, the schema error kept as a finding"
"$bin" validate --source stufbg mappings/testdata/stufbg/postcode-met-spatie.in.xml || true

step "starting the gateway (log in $log)"
"$bin" run --config "$cfg" >"$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null "$ops/readyz" 2>/dev/null; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "ketenpoort stopped early:"; cat "$log"; exit 1; fi
  sleep 0.1
done
curl -fsS "$ops/readyz"; echo

step "partners push their exports to the intake (202 = durable on the raw topic)"
push() { # token source file
  printf '%-20s %-45s ' "$2" "$(basename "$3")"
  curl -sS -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $1" -H "X-Ketenpoort-Name: $(basename "$3")" \
    --data-binary @"$3" "$intake/intake/$2"
}
push demo-zvh gcos xsd/gcos/examples/casus-export.xml
push demo-om  zsm  xsd/zsm/examples/zaakberichten.xml
push demo-vt  veiligthuis xsd/veiligthuis/examples/meldingen.xml
push demo-vt  veiligthuis-vast xsd/veiligthuis/examples/meldingen-vast.txt
push demo-ehv gemeente-eindhoven xsd/gemeente/examples/eindhoven.csv
push demo-hlm gemeente-helmond xsd/gemeente/examples/helmond.csv
push demo-brp stufbg xsd/testdata/stufbg/npsLk01_afnemersindicatie_05_soap.xml
push demo-brp stufbg mappings/testdata/stufbg/postcode-met-spatie.in.xml
push demo-brp stufbg mappings/testdata/stufbg/wijziging.in.xml
echo "two bad messages, to show the dead letters:"
push demo-zvh gcos mappings/testdata/gcos/onbekende-soort.in.xml
push demo-om  zsm  mappings/testdata/zsm/achternaam-leeg.in.xml
echo "a partner pushing to a source that is not its own is refused:"
push demo-ehv zsm xsd/zsm/examples/zaakberichten.xml

step "waiting until every message is mapped (12 records, 2 dead letters) and the outbox is drained"
for _ in $(seq 1 300); do
  backlog=$(curl -fsS "$ops/metrics" | awk '/^ketenpoort_outbox_backlog/ {print $2}')
  records=$(kcat -C -b 127.0.0.1:9092 -t ketenpoort.records.v1 -e -q 2>/dev/null | wc -l)
  dead=$(kcat -C -b 127.0.0.1:9092 -t ketenpoort.deadletters.v1 -e -q 2>/dev/null | wc -l)
  [ "${backlog:-1}" = "0" ] && [ "$records" -ge 12 ] && [ "$dead" -ge 2 ] && break
  sleep 0.2
done
echo "outbox backlog: $backlog, records: $records, dead-letter notices: $dead"

step "mapped canonical records per source on ketenpoort.records.v1 (kcat, a plain Kafka client)"
kcat -C -b 127.0.0.1:9092 -t ketenpoort.records.v1 -e -q -f '%h\n' 2>/dev/null | grep -o 'source=[^,]*' | sort | uniq -c || true

step "dead-letter notices on ketenpoort.deadletters.v1 (where and why; the bytes stay in PostgreSQL for replay)"
kcat -C -b 127.0.0.1:9092 -t ketenpoort.deadletters.v1 -e -q 2>/dev/null | cut -c1-300 || true

step "stopping with SIGTERM"
kill -TERM $pid
trap - EXIT
wait $pid
echo "stopped cleanly. Look further: kcat -C -b 127.0.0.1:9092 -t ketenpoort.records.v1 -e (after 'ketenpoort run --config $cfg')"
