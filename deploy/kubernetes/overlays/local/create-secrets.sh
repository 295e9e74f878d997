#!/usr/bin/env bash
# Creates the Secrets the manifests reference, in the local overlay's namespace, each only if it is
# missing: one that exists is never changed (REPORT_ENCRYPTION_KEYS seals the stored reports; to
# rotate, see docs/security.md). Keys and the admin token are generated here with openssl. The
# broker's URL and Neo4j's password must be given (RabbitMQ's guest user works on loopback only);
# MongoDB and Redis default to services named mongodb and redis in the same namespace:
#   RABBITMQ_URL="amqp://$RABBITMQ_USER:$RABBITMQ_PASSWORD@rabbitmq:5672" NEO4J_PASSWORD="$NEO4J_PASSWORD" bash create-secrets.sh
# OPENAI_API_KEY and QDRANT_API_KEY are stored only when set.
set -euo pipefail
namespace="${NAMESPACE:-nest-rmq}"
rabbitmq_url="${RABBITMQ_URL:?give RABBITMQ_URL, the broker URL with a user of yours (amqp://\$USER:\$PASSWORD@rabbitmq:5672)}"
# KEDA reads queue lengths through one broker URL (the first node; no path: the vhost /).
keda_host="${KEDA_RABBITMQ_HOST:-${rabbitmq_url%%,*}}"
mongodb_uri="${MONGODB_URI:-mongodb://mongodb:27017/medical_reports}"
redis_url="${REDIS_URL:-redis://redis:6379}"
neo4j_password="${NEO4J_PASSWORD:?give NEO4J_PASSWORD, the password of your Neo4j}"

create() {
  local name="$1"
  shift
  if kubectl -n "$namespace" get secret "$name" >/dev/null 2>&1; then
    echo "$name: exists, kept as it is"
  else
    kubectl -n "$namespace" create secret generic "$name" "$@" >/dev/null
    echo "$name: created"
  fi
}

kubectl get namespace "$namespace" >/dev/null 2>&1 || kubectl create namespace "$namespace"

create rabbitmq-credentials \
  --from-literal=RABBITMQ_URL="$rabbitmq_url" \
  --from-literal=host="$keda_host"

encryption_key="k$(date -u +%Y%m%d)$(openssl rand -hex 2):$(openssl rand -base64 32)"
hmac_key="$(openssl rand -base64 32)"
optional_openai=()
[ -n "${OPENAI_API_KEY:-}" ] && optional_openai=(--from-literal=OPENAI_API_KEY="$OPENAI_API_KEY")
create report-worker-secrets \
  --from-literal=MONGODB_URI="$mongodb_uri" \
  --from-literal=REDIS_URL="$redis_url" \
  --from-literal=REPORT_ENCRYPTION_KEYS="$encryption_key" \
  --from-literal=REPORT_CONTENT_HMAC_KEY="$hmac_key" \
  "${optional_openai[@]}"

admin_token="$(openssl rand -base64 32)"
optional_qdrant=()
[ -n "${QDRANT_API_KEY:-}" ] && optional_qdrant=(--from-literal=QDRANT_API_KEY="$QDRANT_API_KEY")
create event-ingest-secrets \
  --from-literal=ADMIN_TOKEN="$admin_token" \
  --from-literal=NEO4J_PASSWORD="$neo4j_password" \
  "${optional_qdrant[@]}"
