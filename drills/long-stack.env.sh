# Ports and state of the second stack of the drills (sourced by drills/run.sh in a subshell):
# RabbitMQ, Redis and FerretDB for store-outage-long alone, which runs beside the other drills
# (its ten minutes are mostly waiting) so that its MongoDB outage, and their broker restarts and
# cache outages, touch only the drill they belong to. The same rules as drills/stack.env.sh: no
# default port of `npm run services:up`, none of the first stack's, all below the kernel's
# ephemeral range (RabbitMQ's distribution port is AMQP + 20000: 12572 -> 32572).
export SERVICES_STATE_DIR="$PWD/.services/drills-long"
export SERVICES_RABBITMQ_PORT=12572
export SERVICES_RABBITMQ_MGMT_PORT=12573
export SERVICES_REDIS_PORT=16479
export SERVICES_MONGO_PORT=17117
export SERVICES_FERRETDB_DEBUG_PORT=17189
