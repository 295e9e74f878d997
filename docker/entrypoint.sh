#!/bin/sh
# Picks the app by its first argument; the rest is passed on (e.g. the event worker's --queue flags).
set -e
app="${1:-report-worker}"
[ $# -gt 0 ] && shift
case "$app" in
  report-worker) exec node dist/apps/report-worker/apps/report-worker/src/main.js "$@" ;;
  event-ingest)  exec node dist/apps/event-ingest/apps/event-ingest/src/main.js "$@" ;;
  event-worker)  exec node dist/apps/event-ingest/apps/event-ingest/src/worker/main.js "$@" ;;
  *) echo "unknown app '$app': use report-worker, event-ingest or event-worker" >&2; exit 64 ;;
esac
