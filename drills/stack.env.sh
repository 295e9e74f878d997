# Ports and state of the drills' own service stack (sourced by drills/run.sh). Nothing here may
# equal a default port of `npm run services:up` (5672/15672, RabbitMQ's Erlang distribution port
# 5672+20000 = 25672, 6379, 27017, FerretDB debug 8089, 7687): other work uses those meanwhile.
# RabbitMQ's distribution port is AMQP + 20000 (see service.sh), hence 35672 -> 55672.
export SERVICES_STATE_DIR="${SERVICES_STATE_DIR:-$PWD/.services/drills}"
export SERVICES_RABBITMQ_PORT="${SERVICES_RABBITMQ_PORT:-35672}"
export SERVICES_RABBITMQ_MGMT_PORT="${SERVICES_RABBITMQ_MGMT_PORT:-35673}"
export SERVICES_REDIS_PORT="${SERVICES_REDIS_PORT:-36379}"
export SERVICES_MONGO_PORT="${SERVICES_MONGO_PORT:-37017}"
export SERVICES_FERRETDB_DEBUG_PORT="${SERVICES_FERRETDB_DEBUG_PORT:-37089}"
export SERVICES_NEO4J_PORT="${SERVICES_NEO4J_PORT:-37687}"
