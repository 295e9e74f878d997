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
npm run kb:import --silent || echo "knowledge base import failed; reports will cite nothing" >&2

pids=()
stop() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait || true; }
trap stop INT TERM EXIT

# node directly, not `npm run`: npm does not pass SIGTERM on, which left the apps running.
node dist/apps/report-worker/apps/report-worker/src/main.js & pids+=($!)
node dist/apps/event-ingest/apps/event-ingest/src/main.js & pids+=($!)
node dist/apps/event-ingest/apps/event-ingest/src/worker/main.js --queue neo4j --workers 1 & pids+=($!)

cat <<MSG
  event-ingest   http://127.0.0.1:8000/events   (OpenAPI: http://127.0.0.1:8000/docs)
  report worker  http://127.0.0.1:8001/health/ready, queue report_generation_requests
  RabbitMQ UI    http://127.0.0.1:15672 (guest / guest)
MSG
wait -n
