#!/usr/bin/env bash
# Toxiproxy (Shopify's TCP fault proxy) on 127.0.0.1, for the drills that break connections
# between the apps and their services instead of stopping a service.
#   scripts/services/toxiproxy.sh start|stop|status
# start: builds toxiproxy-server once (Go module proxy, into $SERVICES_STATE_DIR/bin), starts it
#        on SERVICES_TOXIPROXY_PORT (8474) and waits until its HTTP API answers. Proxies are
#        created by the caller over that API; a stop removes them all.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOXIPROXY_VERSION=v2.12.0
TOXIPROXY_MODULE=github.com/Shopify/toxiproxy/v2
TOXIPROXY_PORT="${SERVICES_TOXIPROXY_PORT:-8474}"
TPX_DIR="$STATE/toxiproxy"
TPX_BIN="$STATE/bin/toxiproxy-server"
TPX_PID="$TPX_DIR/toxiproxy-$TOXIPROXY_PORT.pid"
TPX_LOG="$TPX_DIR/toxiproxy-$TOXIPROXY_PORT.log"

toxiproxy_url() { echo "toxiproxy http://$HOST:$TOXIPROXY_PORT  (API; $TOXIPROXY_VERSION)"; }
toxiproxy_ready() { curl -fsS -m 2 -o /dev/null "http://$HOST:$TOXIPROXY_PORT/version" 2>/dev/null; }

toxiproxy_build() {
  [ -x "$TPX_BIN" ] && return 0
  command -v go >/dev/null 2>&1 || die "toxiproxy: Go is needed to build Toxiproxy $TOXIPROXY_VERSION"
  local t0 moddir blog="$STATE/build/toxiproxy-build.log"
  t0="$(now)"
  mkdir -p "$STATE/build" "$STATE/bin"
  log "toxiproxy: building $TOXIPROXY_VERSION from the Go module proxy (first run only; log: $blog)"
  # As for FerretDB: fetch the exact version (no `go install`, which lists versions), build in place.
  moddir="$(cd "$STATE/build" && GOWORK=off GOFLAGS=-mod=mod \
    go mod download -json "$TOXIPROXY_MODULE@$TOXIPROXY_VERSION" 2>"$blog" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
  [ -d "$moddir" ] || die "toxiproxy: go mod download $TOXIPROXY_MODULE@$TOXIPROXY_VERSION failed (log: $blog)"
  (cd "$moddir" && GOWORK=off GOFLAGS=-buildvcs=false go build -trimpath \
    -ldflags "-X github.com/Shopify/toxiproxy/v2.Version=$TOXIPROXY_VERSION" -o "$TPX_BIN.tmp" ./cmd/server) \
    >>"$blog" 2>&1 || die "toxiproxy: building failed (log: $blog)"
  mv "$TPX_BIN.tmp" "$TPX_BIN"
  log "toxiproxy: built in $(( $(now) - t0 ))s -> $TPX_BIN"
}

toxiproxy_start() {
  if toxiproxy_ready; then toxiproxy_url; return 0; fi
  tcp_open "$TOXIPROXY_PORT" && die "toxiproxy: port $TOXIPROXY_PORT is taken by another process"
  ensure_apt_packages curl
  toxiproxy_build
  mkdir -p "$TPX_DIR"
  : >"$TPX_LOG"
  nohup "$TPX_BIN" -host "$HOST" -port "$TOXIPROXY_PORT" >>"$TPX_LOG" 2>&1 </dev/null &
  echo $! >"$TPX_PID"
  wait_until toxiproxy 20 "$TPX_LOG" "$TPX_PID" toxiproxy_ready_or_failed
  if ! toxiproxy_ready; then
    # Its API server failed (a taken port) but the process keeps running: stop it, say why.
    stop_pidfile toxiproxy "$TPX_PID" 5
    die "toxiproxy: $(grep -o '"error":"[^"]*"' "$TPX_LOG" | tail -n 1) (log: $TPX_LOG)"
  fi
  toxiproxy_url
}
# Ends the wait on an answer, or on the server's own report that its API could not start.
toxiproxy_ready_or_failed() { toxiproxy_ready || grep -q 'Server finished with error' "$TPX_LOG"; }

toxiproxy_stop() {
  stop_pidfile toxiproxy "$TPX_PID" 10
  wait_port_free toxiproxy "$TOXIPROXY_PORT" 10
}

case "${1:-}" in
  start) toxiproxy_start ;;
  stop) toxiproxy_stop ;;
  status) if toxiproxy_ready; then toxiproxy_url; else echo "toxiproxy down"; exit 3; fi ;;
  *) die "usage: toxiproxy.sh start|stop|status" ;;
esac
