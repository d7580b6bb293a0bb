#!/usr/bin/env bash
# demo.sh BIN — shows ketenpoort on the embedded defaults: it starts `ketenpoort run` with no configuration (an
# in-process Kafka-protocol broker on 127.0.0.1:9092 and the PostgreSQL found on this machine, or a private cluster),
# waits until it is ready, shows what runs, and stops it cleanly with SIGTERM.
set -euo pipefail
bin=${1:-bin/ketenpoort}
work=${KETENPOORT_DEMO_DIR:-demo-data}
mkdir -p "$work"
log="$work/ketenpoort.log"

echo "== ketenpoort $("$bin" version | cut -d' ' -f2) on the embedded defaults (data in $work/)"
(cd "$work" && exec "../$bin" run) >"$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT

for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null http://127.0.0.1:8080/readyz 2>/dev/null; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "ketenpoort stopped early:"; cat "$log"; exit 1; fi
  sleep 0.1
done
echo "== ready:"
curl -fsS http://127.0.0.1:8080/readyz; echo

echo "== the embedded broker speaks Kafka (kcat -L -b 127.0.0.1:9092):"
kcat -L -b 127.0.0.1:9092 | sed -n '1,4p'

echo "== outbox backlog metric:"
curl -fsS http://127.0.0.1:8080/metrics | grep '^ketenpoort_outbox_backlog' || true

echo "== stopping with SIGTERM"
kill -TERM $pid
trap - EXIT
wait $pid
echo "== stopped cleanly; log in $log"
