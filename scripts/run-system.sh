#!/usr/bin/env bash
# `npm start`: from a fresh clone to a running system. Installs packages if needed, starts the
# services, builds, imports the sample knowledge base, then runs the report worker, the
# event-ingest API and one Neo4j event worker in the foreground (Ctrl-C stops all three). There is
# no Qdrant server on this machine: run the Qdrant processor where one is (docker compose).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules/.bin ] || npm install --no-audit --no-fund
bash scripts/services/up.sh
npm run build
[ -f .env ] || cp .env.example .env
# Secrets have no defaults: each one .env lacks is generated into it (a set value is kept).
node scripts/secrets/ensure-env-secrets.mjs .env
npm run kb:import --silent || echo "knowledge base import failed; reports will cite nothing" >&2

# Job control: each app runs in its own process group, so a Ctrl-C (SIGINT to the terminal's
# foreground group) reaches this script only and each app hears one stop request, the SIGTERM
# below, instead of the terminal's SIGINT and the script's SIGTERM together.
set -m
stopping=false
# Every INT/TERM is passed on as one SIGTERM per app still running. The apps read a second one
# within a second as the same request and a later one (a second Ctrl-C) as "exit now"
# (libs/config/src/graceful-exit.ts).
stop() {
  stopping=true
  local running
  running=$(jobs -pr)
  [ -z "$running" ] || kill -TERM $running 2>/dev/null || true
}
trap stop INT TERM HUP EXIT

# node directly, not `npm run`: npm does not pass SIGTERM on, which left the apps running.
node dist/apps/report-worker/apps/report-worker/src/main.js &
node dist/apps/event-ingest/apps/event-ingest/src/main.js &
node dist/apps/event-ingest/apps/event-ingest/src/worker/main.js --queue neo4j --workers 1 &

cat <<MSG
  event-ingest   http://127.0.0.1:8000/events   (OpenAPI: http://127.0.0.1:8000/docs)
  report worker  http://127.0.0.1:8001/health/ready, queue report_generation_requests
  RabbitMQ UI    http://127.0.0.1:15672 (guest / guest)
MSG
# Until a stop signal arrives or an app exits on its own (then the others are stopped too).
status=0
wait -n || status=$?
$stopping || stop
# Until every app has drained and exited; a further signal interrupts `wait`, the trap passes it on.
while [ -n "$(jobs -pr)" ]; do wait || true; done
exit "$status"
