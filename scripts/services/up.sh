#!/usr/bin/env bash
# Install (if missing) and start the local services on 127.0.0.1, wait until each answers,
# print one line per service with its URL. Idempotent: services that already answer are left.
#   bash scripts/services/up.sh            (all)   |   bash scripts/services/up.sh redis neo4j
#   bash scripts/services/up.sh --cluster  (all, plus a 3-node RabbitMQ cluster: rabbitmq-cluster.sh)
#   bash scripts/services/up.sh --tls      (the same services, also listening with TLS: tls.sh;
#     a local test CA, client certificates, a non-guest user; the apps' settings for it in
#     $SERVICES_STATE_DIR/tls/tls-stack.env). TLS ports: SERVICES_RABBITMQ_TLS_PORT (5671),
#     SERVICES_REDIS_TLS_PORT (6380), SERVICES_MONGO_TLS_PORT (27018); Neo4j on its Bolt port.
# Ports: SERVICES_RABBITMQ_PORT (5672), SERVICES_RABBITMQ_MGMT_PORT (15672), SERVICES_REDIS_PORT
# (6379), SERVICES_MONGO_PORT (27017), SERVICES_NEO4J_PORT (7687), SERVICES_FERRETDB_DEBUG_PORT
# (8089), SERVICES_RABBITMQ_CLUSTER_PORT (first cluster node, 5681). State: SERVICES_STATE_DIR
# (<repo>/.services). Neo4j password: NEO4J_PASSWORD.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/tls.sh"

services=()
cluster=0
for arg in "$@"; do
  case "$arg" in
    --cluster) cluster=1 ;;
    --tls) export SERVICES_TLS=1 ;;
    -*) die "unknown option $arg (usage: up.sh [--cluster] [--tls] [rabbitmq|redis|mongo|neo4j|rabbitmq-cluster ...])" ;;
    *) services+=("$arg") ;;
  esac
done
[ ${#services[@]} -gt 0 ] || services=(rabbitmq redis mongo neo4j)
[ $cluster = 0 ] || services+=(rabbitmq-cluster)
t0="$(now)"
mkdir -p "$STATE"

# apt first and alone (it takes a lock); then start everything in parallel.
ensure_apt_packages rabbitmq-server redis-server curl
# The CA and the credentials before the parallel starts, which all read them.
if tls_wanted; then tls_material; fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
declare -A pids
for s in "${services[@]}"; do
  bash "$SERVICES_DIR/service.sh" start "$s" >"$out/$s" &
  pids[$s]=$!
done
failed=()
for s in "${services[@]}"; do
  wait "${pids[$s]}" || failed+=("$s")
done
for s in "${services[@]}"; do cat "$out/$s"; done
if [ ${#failed[@]} -gt 0 ]; then
  die "failed to start: ${failed[*]} (see the messages above; logs under $STATE)"
fi
if tls_wanted; then
  tls_stack_env
  echo "tls       CA $TLS_CA; client certificate $TLS_CLIENT_CERT (key beside it, $TLS_CLIENT_PEM for MongoDB)"
  echo "          the apps' settings for this stack, passwords included: ENV_FILE=$TLS_STACK_ENV"
fi
log "all services up in $(( $(now) - t0 ))s (state: $STATE)"
