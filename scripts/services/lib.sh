# Shared helpers for scripts/services/*.sh (sourced, not executed).
# Everything binds to 127.0.0.1. State (data, logs, pidfiles, built binaries) lives in
# $SERVICES_STATE_DIR (default: <repo>/.services), which is git-ignored.

SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SERVICES_DIR/../.." && pwd)"
STATE="${SERVICES_STATE_DIR:-$REPO_ROOT/.services}"

HOST=127.0.0.1
RABBITMQ_AMQP_PORT="${SERVICES_RABBITMQ_PORT:-5672}"
RABBITMQ_MGMT_PORT="${SERVICES_RABBITMQ_MGMT_PORT:-15672}"
REDIS_PORT_="${SERVICES_REDIS_PORT:-6379}"
MONGO_PORT="${SERVICES_MONGO_PORT:-27017}"
FERRETDB_DEBUG_PORT="${SERVICES_FERRETDB_DEBUG_PORT:-8089}"
NEO4J_PORT="${SERVICES_NEO4J_PORT:-7687}"
NEO4J_PASSWORD_="${NEO4J_PASSWORD:-neo4j-password}"

FERRETDB_VERSION=v1.24.2
FERRETDB_MODULE=github.com/FerretDB/FerretDB

# Bounded waits (seconds); override for very slow machines.
WAIT_RABBITMQ="${SERVICES_WAIT_RABBITMQ:-120}"
WAIT_REDIS="${SERVICES_WAIT_REDIS:-20}"
WAIT_MONGO="${SERVICES_WAIT_MONGO:-60}"
WAIT_NEO4J="${SERVICES_WAIT_NEO4J:-240}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

# as_root CMD...: run as root (directly, or via sudo when available).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else die "need root to run: $*"
  fi
}

# ensure_apt_packages PKG...: install the Debian packages that are missing (no-op when present).
ensure_apt_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]} (apt-get update + install)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null \
    || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# tcp_open PORT [HOST]: true when something accepts TCP connections there.
tcp_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/${2:-$HOST}/$1" 2>/dev/null
}

# pid_alive PIDFILE: true when the pidfile names a running process.
pid_alive() {
  local pid
  [ -s "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# wait_until NAME TIMEOUT LOGFILE PIDFILE CMD...: poll CMD once a second until it succeeds.
# Fails at once when PIDFILE (use - for none) names a process that has exited, and on timeout;
# either way it prints the tail of LOGFILE and names the service and the log.
wait_until() {
  local name="$1" timeout="$2" logfile="$3" pidfile="$4" start why
  shift 4
  start="$(now)"
  until "$@" >/dev/null 2>&1; do
    why=""
    if [ "$pidfile" != - ] && ! pid_alive "$pidfile"; then
      why="$name exited during start-up"
    elif [ $(( $(now) - start )) -ge "$timeout" ]; then
      why="$name did not become ready within ${timeout}s"
    fi
    if [ -n "$why" ]; then
      if [ -f "$logfile" ]; then
        log "---- last lines of $logfile ----"
        tail -n 25 "$logfile" >&2
        log "----"
      fi
      die "$why (log: $logfile)"
    fi
    sleep 1
  done
}

# stop_pidfile NAME PIDFILE TIMEOUT: SIGTERM, wait, then SIGKILL; removes the pidfile.
stop_pidfile() {
  local name="$1" pidfile="$2" timeout="$3" pid i
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    return 0
  fi
  pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 2; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) did not stop within ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$pidfile"
}

# wait_port_free NAME PORT TIMEOUT: after a stop, wait until the port is released.
wait_port_free() {
  local i
  for ((i = 0; i < $3 * 2; i++)); do
    tcp_open "$2" || return 0
    sleep 0.5
  done
  log "WARNING: $1 port $2 still answers after stop (not started by these scripts?)"
}

# ---------------------------------------------------------------- RabbitMQ nodes
# The real scripts, not Debian's /usr/sbin wrappers (those su to the rabbitmq user, which would
# use another Erlang cookie and could not write under the repo).
RABBITMQ_BIN=/usr/lib/rabbitmq/bin

# rabbitmq_tool HOME DIR NODE AMQP_PORT TOOL ARGS...: run a RabbitMQ tool (rabbitmq-server,
# rabbitmqctl, rabbitmq-plugins) for node NODE, with its config, data, logs and pidfile under DIR
# and the Erlang cookie in HOME. Its Erlang distribution port is AMQP_PORT + 20000, on loopback.
rabbitmq_tool() {
  local home="$1" dir="$2" node="$3" port="$4"
  shift 4
  (
    export HOME="$home" RABBITMQ_NODENAME="$node"
    export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
    export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log"
    export RABBITMQ_PID_FILE="$dir/$node.pid"
    export RABBITMQ_DIST_PORT=$((port + 20000)) ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    exec "$RABBITMQ_BIN/$1" "${@:2}"
  )
}

# rabbitmq_write_config DIR AMQP_PORT MGMT_PORT [LINE...]: a node's rabbitmq.conf (AMQP and the
# management UI on loopback, guest from loopback only) plus any extra LINEs, and an empty env file.
rabbitmq_write_config() {
  local dir="$1" port="$2" mgmt="$3" line
  shift 3
  mkdir -p "$dir/mnesia" "$dir/log"
  : >"$dir/rabbitmq-env.conf"
  {
    echo "# generated by scripts/services"
    echo "listeners.tcp.1 = $HOST:$port"
    echo "management.tcp.ip = $HOST"
    echo "management.tcp.port = $mgmt"
    echo "loopback_users.guest = true"
    echo "log.console = false"
    echo "log.file.level = info"
    for line in "$@"; do echo "$line"; done
  } >"$dir/rabbitmq.conf"
}

# node_has MODULE: true when the repo's node_modules can resolve MODULE.
node_has() {
  command -v node >/dev/null 2>&1 &&
    (cd "$REPO_ROOT" && node -e "require.resolve('$1')" >/dev/null 2>&1)
}
