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

stop_stack() { [ "${DRILLS_KEEP_STACK:-0}" = 1 ] || bash scripts/services/down.sh || true; }
trap stop_stack EXIT
bash scripts/services/up.sh

H=127.0.0.1
export DRILLS_RABBITMQ_URL="amqp://guest:guest@$H:$SERVICES_RABBITMQ_PORT"
export DRILLS_RABBITMQ_MANAGEMENT_URL="http://guest:guest@$H:$SERVICES_RABBITMQ_MGMT_PORT"
export DRILLS_MONGODB_URI="mongodb://$H:$SERVICES_MONGO_PORT/drills"
export DRILLS_REDIS_URL="redis://$H:$SERVICES_REDIS_PORT"
export DRILLS_NEO4J_URI="bolt://$H:$SERVICES_NEO4J_PORT"
mkdir -p drills/results
TS_NODE_SWC=true node --experimental-websocket -r ts-node/register -r tsconfig-paths/register drills/run-drills.ts "$@"
