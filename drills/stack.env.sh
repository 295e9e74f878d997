# Ports and state of the drills' own service stack (sourced by drills/run.sh). Nothing here may
# equal a default port of `npm run services:up` (5672/15672, RabbitMQ's Erlang distribution port
# 5672+20000 = 25672, 6379, 27017, FerretDB debug 8089, 7687): other work uses those meanwhile.
# RabbitMQ's distribution port is AMQP + 20000 (see service.sh), hence 12672 -> 32672, and the
# cluster's nodes take AMQP + 9..11 (12681-12683, management 22681-22683, distribution
# 32681-32683). Every port stays below the kernel's ephemeral range (32768-60999 here): a port in
# it can be taken at any moment by an outgoing connection of the loaded machine, and a broker
# that finds its port taken does not start.
export SERVICES_STATE_DIR="${SERVICES_STATE_DIR:-$PWD/.services/drills}"
export SERVICES_RABBITMQ_PORT="${SERVICES_RABBITMQ_PORT:-12672}"
export SERVICES_RABBITMQ_MGMT_PORT="${SERVICES_RABBITMQ_MGMT_PORT:-12673}"
export SERVICES_REDIS_PORT="${SERVICES_REDIS_PORT:-16379}"
export SERVICES_MONGO_PORT="${SERVICES_MONGO_PORT:-17017}"
export SERVICES_FERRETDB_DEBUG_PORT="${SERVICES_FERRETDB_DEBUG_PORT:-17089}"
export SERVICES_NEO4J_PORT="${SERVICES_NEO4J_PORT:-17687}"
