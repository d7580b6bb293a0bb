#!/usr/bin/env bash
# demo.sh BIN — shows ketenpoort end to end on the embedded defaults (an in-process Kafka-protocol broker on
# 127.0.0.1:9092 and the PostgreSQL found on this machine, or a private cluster), with the configuration in
# deploy/demo.yml and its data in demo-data/:
#   1. the sources and their golden cases, and what a schema error looks like;
#   2. a day of synthetic data for all sources (`ketenpoort generate`), ingested in batch (`ketenpoort ingest`):
#      records per source, persons, the review queue, rejected records with their reasons, quality against the
#      generator's ground truth;
#   3. `ketenpoort run`, partners pushing their example exports to the intake, each person resolved as it arrives;
#   4. what came out on Kafka (read with kcat): records, identity events, dead-letter notices; a clean SIGTERM.
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

day=$(date -u +%Y%m%d)
step "a day of synthetic exports of every source (seed $day), a few deliberately broken"
rm -rf demo-data/day
"$bin" generate --seed "$day" --records 5000 --bad-rate 0.003 --out demo-data/day 2>/dev/null

step "batch ingest: read, validate, map, store, resolve persons (ketenpoort ingest)"
"$bin" ingest --config "$cfg" demo-data/day 2>/dev/null

step "person resolution against the generator's ground truth (ketenpoort identity eval)"
"$bin" identity eval --config "$cfg" --truth demo-data/day/truth.csv 2>/dev/null

step "the first items of the review queue (ketenpoort review list)"
"$bin" review list --config "$cfg" --limit 5 2>/dev/null
first=$("$bin" review list --config "$cfg" --limit 1 2>/dev/null | awk 'NR == 1 && $1 ~ /^[0-9]+$/ { print $1 }')
if [ -n "$first" ]; then
  step "the first of them in full (ketenpoort review show $first)"
  "$bin" review show --config "$cfg" "$first" 2>/dev/null
fi

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

step "waiting until the pushed messages are mapped and resolved and the outbox (batch ingest included) is drained"
for _ in $(seq 1 600); do
  metrics=$(curl -fsS "$ops/metrics")
  backlog=$(awk '/^ketenpoort_outbox_backlog/ {print $2}' <<<"$metrics")
  lag=$(awk '/^ketenpoort_source_lag/ {s += ($2 < 0 ? 1 : $2)} END {print s + 0}' <<<"$metrics")
  [ "${backlog:-1}" = "0" ] && [ "$lag" = "0" ] && break
  sleep 0.2
done
echo "outbox backlog: $backlog, raw messages not yet handled: $lag"

step "what ops see on /metrics: the pushed records, their persons, the review queue, each source's lag"
grep -E '^ketenpoort_(records_mapped_total|records_rejected_total|persons_resolved_total|persons_created_total|persons_merged_total|review_open|source_lag)' <<<"$metrics" | grep -v ' 0$' || true
grep -E '^ketenpoort_person_resolution_seconds_(sum|count)' <<<"$metrics" || true

count() { kcat -C -b 127.0.0.1:9092 -t "$1" -e -q 2>/dev/null | wc -l; }
step "on Kafka now (kcat, a plain Kafka client)"
echo "ketenpoort.records.v1      $(count ketenpoort.records.v1) canonical records"
echo "ketenpoort.identity.v1     $(count ketenpoort.identity.v1) identity events:"
kcat -C -b 127.0.0.1:9092 -t ketenpoort.identity.v1 -e -q 2>/dev/null | grep -o '"type":"[^"]*"' | sort | uniq -c || true
echo "ketenpoort.deadletters.v1  $(count ketenpoort.deadletters.v1) dead-letter notices, the last two:"
kcat -C -b 127.0.0.1:9092 -t ketenpoort.deadletters.v1 -e -q 2>/dev/null | tail -n 2 | cut -c1-240 || true

step "the person of the pushed GCOS pleger (ketenpoort persons show gcos/P-000481)"
"$bin" persons show --config "$cfg" gcos/P-000481 2>/dev/null | head -n 30 || true

step "stopping with SIGTERM"
kill -TERM $pid
trap - EXIT
wait $pid
cat <<EOF
stopped cleanly. Look further, with --config $cfg:
  $bin persons show SOURCE/LOCAL-ID        a person with its records and decisions
  $bin persons export --out persons.csv    every record's person, decision and score
  $bin review list / review show ID / review decide ID link|separate
  $bin run, then: kcat -C -b 127.0.0.1:9092 -t ketenpoort.identity.v1 -e
EOF
