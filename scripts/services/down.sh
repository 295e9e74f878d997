#!/usr/bin/env bash
# Stop the local services that up.sh started (data is kept under .services/). Safe when
# nothing runs.   bash scripts/services/down.sh   |   bash scripts/services/down.sh neo4j
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

services=("$@")
[ ${#services[@]} -gt 0 ] || services=(rabbitmq redis mongo neo4j)
rc=0
pids=()
for s in "${services[@]}"; do
  bash "$SERVICES_DIR/service.sh" stop "$s" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit $rc
