#!/usr/bin/env bash
# `npm run drills [-- <name>...]`: the fault drills against a separate service stack (own ports and
# state under .services/drills, see drills/stack.env.sh), so the shared dev services on the default
# ports are never stopped. Installs the drills' Python tools, starts the stack, runs the drills,
# stops the stack.
set -euo pipefail
cd "$(dirname "$0")/.."
. drills/stack.env.sh
. scripts/services/lib.sh
. drills/python-tools.sh

# One drill run at a time: runs share the drills' stack, and the first to finish would stop it
# under the other. A second run waits here for the first.
mkdir -p "$SERVICES_STATE_DIR"
exec 9>"$SERVICES_STATE_DIR/run.lock"
flock -n 9 || { log "another drill run holds $SERVICES_STATE_DIR/run.lock; waiting for it"; flock 9; }

# schemathesis is needed by hostile-input only: other drills run without Python or PyPI.
if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx hostile-input; then ensure_drill_python_tools; fi

# Reuse the binaries the default stack already built (FerretDB from Go, the Neo4j launcher from
# Maven), so the first drill run does not spend minutes compiling.
if [ ! -x "$SERVICES_STATE_DIR/bin/ferretdb" ] && [ -x .services/bin/ferretdb ]; then
  mkdir -p "$SERVICES_STATE_DIR/bin" && cp -a .services/bin/ferretdb "$SERVICES_STATE_DIR/bin/"
fi
if [ ! -d "$SERVICES_STATE_DIR/neo4j/build" ] && [ -d .services/neo4j/build ]; then
  mkdir -p "$SERVICES_STATE_DIR/neo4j" && cp -a .services/neo4j/build "$SERVICES_STATE_DIR/neo4j/"
fi

# Toxiproxy (toxic-faults only), stopped with the stack. Its API port is below the ephemeral range
# (32768-60999), where an outgoing connection of the loaded stack can hold it for a moment.
export SERVICES_TOXIPROXY_PORT="${SERVICES_TOXIPROXY_PORT:-28474}"
toxiproxy=0
if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx toxic-faults; then toxiproxy=1; fi

# The 3-node RabbitMQ cluster (cluster-node-kill only) on the drills' ports (AMQP + 9..11); down.sh stops it.
cluster=()
if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx cluster-node-kill; then cluster=(--cluster); fi

# store-outage-long runs beside the others, on a second stack (drills/long-stack.env.sh).
beside=0
if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx store-outage-long; then beside=1; fi
long_stack() { (. drills/long-stack.env.sh && bash "scripts/services/$1" "${@:2}"); }

stop_stack() {
  [ "${DRILLS_KEEP_STACK:-0}" = 1 ] && return 0
  [ $toxiproxy = 0 ] || bash scripts/services/toxiproxy.sh stop || true
  [ $beside = 0 ] || long_stack down.sh rabbitmq redis mongo || true
  bash scripts/services/down.sh || true
}
trap stop_stack EXIT
bash scripts/services/up.sh ${cluster[@]+"${cluster[@]}"} 9>&-  # the services must not hold the run lock
if [ $beside = 1 ]; then
  long_state="$(. drills/long-stack.env.sh && echo "$SERVICES_STATE_DIR")"
  if [ ! -x "$long_state/bin/ferretdb" ]; then
    mkdir -p "$long_state/bin" && cp -a "$SERVICES_STATE_DIR/bin/ferretdb" "$long_state/bin/"
  fi
  long_stack up.sh rabbitmq redis mongo 9>&-
  # Everything the drill beside needs to find and control its stack, for run-drills.ts to hand it.
  (
    . drills/long-stack.env.sh
    env | grep -E '^SERVICES_(STATE_DIR|RABBITMQ_PORT|RABBITMQ_MGMT_PORT|REDIS_PORT|MONGO_PORT|FERRETDB_DEBUG_PORT)='
    echo "DRILLS_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:$SERVICES_RABBITMQ_PORT"
    echo "DRILLS_RABBITMQ_MANAGEMENT_URL=http://guest:guest@127.0.0.1:$SERVICES_RABBITMQ_MGMT_PORT"
    echo "DRILLS_MONGODB_URI=mongodb://127.0.0.1:$SERVICES_MONGO_PORT/drills"
    echo "DRILLS_REDIS_URL=redis://127.0.0.1:$SERVICES_REDIS_PORT"
  ) >"$long_state/drill.env"
  export DRILLS_BESIDE_ENV_FILE="$long_state/drill.env"
fi
if [ $toxiproxy = 1 ]; then
  bash scripts/services/toxiproxy.sh start 9>&-  # nor Toxiproxy
  export DRILLS_TOXIPROXY_URL="http://127.0.0.1:$SERVICES_TOXIPROXY_PORT"
fi

# The apps run compiled, as in production (their memory figures are production's), from dist/.
log "building the apps (npm run build)"
npm run --silent build 9>&-

H=127.0.0.1
export DRILLS_RABBITMQ_URL="amqp://guest:guest@$H:$SERVICES_RABBITMQ_PORT"
export DRILLS_RABBITMQ_MANAGEMENT_URL="http://guest:guest@$H:$SERVICES_RABBITMQ_MGMT_PORT"
export DRILLS_MONGODB_URI="mongodb://$H:$SERVICES_MONGO_PORT/drills"
export DRILLS_REDIS_URL="redis://$H:$SERVICES_REDIS_PORT"
export DRILLS_NEO4J_URI="bolt://$H:$SERVICES_NEO4J_PORT"
mkdir -p drills/results
TS_NODE_SWC=true node --experimental-websocket -r ts-node/register -r tsconfig-paths/register drills/run-drills.ts "$@" 9>&-
