#!/usr/bin/env bash
# Stop the local services that up.sh started (data is kept under .services/), the RabbitMQ
# cluster of `up.sh --cluster` included. Safe when nothing runs.
#   bash scripts/services/down.sh  (all)  |  bash scripts/services/down.sh neo4j rabbitmq-cluster
# --cluster is accepted as in up.sh (it adds rabbitmq-cluster to the services named). --tls is
# accepted as in up.sh: the TLS listeners belong to the same processes and stop with them; the CA,
# certificates and credentials under $SERVICES_STATE_DIR/tls are kept (delete it for new ones).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

services=()
cluster=0
for arg in "$@"; do
  case "$arg" in
    --cluster) cluster=1 ;;
    --tls) ;;
    -*) die "unknown option $arg (usage: down.sh [--cluster] [--tls] [rabbitmq|redis|mongo|neo4j|rabbitmq-cluster ...])" ;;
    *) services+=("$arg") ;;
  esac
done
if [ ${#services[@]} -eq 0 ]; then services=(rabbitmq redis mongo neo4j rabbitmq-cluster)
elif [ $cluster = 1 ]; then services+=(rabbitmq-cluster)
fi
rc=0
pids=()
for s in "${services[@]}"; do
  bash "$SERVICES_DIR/service.sh" stop "$s" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit $rc
