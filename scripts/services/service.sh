#!/usr/bin/env bash
# Start, stop or check ONE local service (or all), on 127.0.0.1 only.
#   scripts/services/service.sh start|stop|restart|status rabbitmq|redis|mongo|neo4j|all|rabbitmq-cluster
# rabbitmq-cluster (not part of all): three RabbitMQ nodes in one cluster, see rabbitmq-cluster.sh.
# start: installs/builds what is missing, starts, waits until it answers, prints its URL line.
#        A service that already answers is left alone.
# stop:  stops it (data is kept: RabbitMQ mnesia, FerretDB's PostgreSQL cluster, Neo4j store).
# status: prints the URL line and exits 0 when it answers, prints "down" and exits 3 otherwise.
# SERVICES_TLS=1 (set by `up.sh --tls`): start adds the TLS listeners of tls.sh beside the plain
#        ones, restarting a RabbitMQ, FerretDB or Neo4j of these scripts that runs without them.
#   scripts/services/service.sh rabbitmqctl ARGS...   rabbitmqctl against the local node, e.g.
#   `rabbitmqctl set_vm_memory_high_watermark 0.0001` raises a memory alarm (0.4 clears it).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/rabbitmq-cluster.sh"
. "$(dirname "${BASH_SOURCE[0]}")/tls.sh"
tls_wanted && tls_material

# ---------------------------------------------------------------- RabbitMQ
RMQ_DIR="$STATE/rabbitmq"
RMQ_NODE="svc${RABBITMQ_AMQP_PORT}@localhost"
RMQ_LOG="$RMQ_DIR/log/$RMQ_NODE.log"
RMQ_PID="$RMQ_DIR/$RMQ_NODE.pid"

rmq() { # rmq TOOL ARGS...: run a RabbitMQ tool against our node, with all state under $RMQ_DIR
  rabbitmq_tool "$RMQ_DIR/home" "$RMQ_DIR" "$RMQ_NODE" "$RABBITMQ_AMQP_PORT" "$@"
}
rabbitmq_url() {
  echo "rabbitmq  amqp://guest:guest@$HOST:$RABBITMQ_AMQP_PORT  management http://$HOST:$RABBITMQ_MGMT_PORT (guest/guest)"
  if tls_wanted; then echo "          amqps://$TLS_USER@$TLS_HOST:$RABBITMQ_TLS_PORT  (TLS, client certificate required)"; fi
}
rabbitmq_tls_lines() { # the TLS listener beside the plain one; a client without a certificate is refused
  echo "listeners.ssl.default = $HOST:$RABBITMQ_TLS_PORT"
  echo "ssl_options.cacertfile = $TLS_CA"
  echo "ssl_options.certfile = $TLS_SERVER_CERT"
  echo "ssl_options.keyfile = $TLS_SERVER_KEY"
  echo "ssl_options.verify = verify_peer"
  echo "ssl_options.fail_if_no_peer_cert = true"
  echo "ssl_options.versions.1 = tlsv1.3"
  echo "ssl_options.versions.2 = tlsv1.2"
}
rabbitmq_tls_ready() { ! tls_wanted || tls_handshake "$RABBITMQ_TLS_PORT"; }
rabbitmq_tls_user() { # the TLS stack's user: its generated password, every right on the default vhost
  tls_wanted || return 0
  local api="http://$HOST:$RABBITMQ_MGMT_PORT/api"
  printf '{"password":"%s","tags":""}' "$TLS_RABBITMQ_PASSWORD" |
    curl -fsS -m 10 -o /dev/null -u guest:guest -X PUT -H 'content-type: application/json' \
      --data-binary @- "$api/users/$TLS_USER" &&
    curl -fsS -m 10 -o /dev/null -u guest:guest -X PUT -H 'content-type: application/json' \
      -d '{"configure":".*","write":".*","read":".*"}' "$api/permissions/%2F/$TLS_USER" ||
    die "rabbitmq: could not set up user $TLS_USER through the management API"
}
rabbitmq_ready() {
  tcp_open "$RABBITMQ_AMQP_PORT" &&
    curl -fsS -m 5 -o /dev/null -u guest:guest "http://$HOST:$RABBITMQ_MGMT_PORT/api/overview" 2>/dev/null
}
rabbitmq_debian_node_up() { # the apt package's default node (rabbit@<host>, all interfaces)
  [ -x /usr/sbin/rabbitmqctl ] && [ "$(id -u)" = 0 ] &&
    timeout 20 /usr/sbin/rabbitmqctl -q status >/dev/null 2>&1
}
rabbitmq_start() {
  ensure_apt_packages rabbitmq-server curl
  if rabbitmq_ready; then
    if rabbitmq_tls_ready; then rabbitmq_tls_user; rabbitmq_url; return 0; fi
    pid_alive "$RMQ_PID" || die "rabbitmq: the node on $RABBITMQ_AMQP_PORT was not started by these scripts; cannot add a TLS listener to it"
    log "rabbitmq: restarting the node to add its TLS listener on $RABBITMQ_TLS_PORT (data kept)"
    rabbitmq_stop
  fi
  if tls_wanted && ! pid_alive "$RMQ_PID" && tcp_open "$RABBITMQ_TLS_PORT"; then
    die "rabbitmq: TLS port $RABBITMQ_TLS_PORT is taken by another process"
  fi
  if ! pid_alive "$RMQ_PID" && tcp_open "$RABBITMQ_AMQP_PORT"; then
    if rabbitmq_debian_node_up; then
      log "rabbitmq: stopping a stray RabbitMQ node started by the Debian package (binds all interfaces)"
      /usr/sbin/rabbitmqctl -q stop >/dev/null 2>&1 || true
      wait_port_free rabbitmq "$RABBITMQ_AMQP_PORT" 30
    fi
    tcp_open "$RABBITMQ_AMQP_PORT" && die "rabbitmq: port $RABBITMQ_AMQP_PORT is taken by another process"
  fi
  mkdir -p "$RMQ_DIR/home"
  local tls_lines=()
  if tls_wanted; then mapfile -t tls_lines < <(rabbitmq_tls_lines); fi
  rabbitmq_write_config "$RMQ_DIR" "$RABBITMQ_AMQP_PORT" "$RABBITMQ_MGMT_PORT" "${tls_lines[@]}"
  if ! grep -qs rabbitmq_management "$RMQ_DIR/enabled_plugins"; then
    rmq rabbitmq-plugins --offline enable rabbitmq_management >"$RMQ_DIR/log/plugins.log" 2>&1 ||
      die "rabbitmq: enabling rabbitmq_management failed (log: $RMQ_DIR/log/plugins.log)"
  fi
  if ! pid_alive "$RMQ_PID"; then
    rm -f "$RMQ_PID"
    rmq rabbitmq-server -detached >"$RMQ_DIR/log/startup.log" 2>&1 ||
      die "rabbitmq: rabbitmq-server -detached failed (log: $RMQ_DIR/log/startup.log)"
  fi
  wait_until rabbitmq "$WAIT_RABBITMQ" "$RMQ_LOG" - rabbitmq_ready
  wait_until "rabbitmq (TLS listener)" 30 "$RMQ_LOG" - rabbitmq_tls_ready
  rabbitmq_tls_user
  rabbitmq_url
}
rabbitmq_stop() {
  if pid_alive "$RMQ_PID"; then
    rmq rabbitmqctl -q -t 60 shutdown >/dev/null 2>&1 || true
    stop_pidfile rabbitmq "$RMQ_PID" 30
  elif tcp_open "$RABBITMQ_AMQP_PORT" && rabbitmq_debian_node_up; then
    log "rabbitmq: stopping the Debian package's default node (not started by these scripts)"
    /usr/sbin/rabbitmqctl -q stop >/dev/null 2>&1 || true
  fi
  wait_port_free rabbitmq "$RABBITMQ_AMQP_PORT" 30
}

# ---------------------------------------------------------------- Redis
REDIS_DIR="$STATE/redis"
REDIS_PID="$REDIS_DIR/redis-$REDIS_PORT_.pid" REDIS_LOG="$REDIS_DIR/redis-$REDIS_PORT_.log"
redis_url() {
  echo "redis     redis://$HOST:$REDIS_PORT_"
  if tls_wanted; then echo "          rediss://$TLS_USER@$TLS_HOST:$REDIS_TLS_PORT  (TLS, client certificate required)"; fi
}
redis_ready() { [ "$(redis-cli -h "$HOST" -p "$REDIS_PORT_" ping 2>/dev/null)" = PONG ]; }
redis_tls_ready() {
  [ "$(REDISCLI_AUTH="$TLS_REDIS_PASSWORD" redis-cli --tls --cacert "$TLS_CA" --cert "$TLS_CLIENT_CERT" \
    --key "$TLS_CLIENT_KEY" --sni "$TLS_HOST" --user "$TLS_USER" -h "$HOST" -p "$REDIS_TLS_PORT" ping 2>/dev/null)" = PONG ]
}
redis_tls_apply() { # at run time, no restart: the TLS port (client certificates required) and the user
  tls_wanted || return 0
  local out
  out="$(redis-cli -h "$HOST" -p "$REDIS_PORT_" CONFIG SET tls-cert-file "$TLS_SERVER_CERT" \
    tls-key-file "$TLS_SERVER_KEY" tls-ca-cert-file "$TLS_CA" tls-auth-clients yes \
    tls-port "$REDIS_TLS_PORT" 2>&1)"
  [ "$out" = OK ] || die "redis: could not open the TLS port $REDIS_TLS_PORT: $out"
  # On stdin, so the password shows in no process list.
  out="$(printf 'ACL SETUSER %s reset on >%s ~* &* +@all -@dangerous\n' "$TLS_USER" "$TLS_REDIS_PASSWORD" |
    redis-cli -h "$HOST" -p "$REDIS_PORT_" 2>&1)"
  [ "$out" = OK ] || die "redis: could not set up user $TLS_USER: $out"
  wait_until "redis (TLS port)" "$WAIT_REDIS" "$REDIS_LOG" - redis_tls_ready
}
redis_start() {
  ensure_apt_packages redis-server
  if redis_ready; then redis_tls_apply; redis_url; return 0; fi
  tcp_open "$REDIS_PORT_" && die "redis: port $REDIS_PORT_ is taken by a process that does not answer PING"
  mkdir -p "$REDIS_DIR"
  redis-server --daemonize yes --bind "$HOST" --port "$REDIS_PORT_" --save "" --appendonly no \
    --dir "$REDIS_DIR" --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" \
    >>"$REDIS_LOG" 2>&1 || die "redis: redis-server failed to start (log: $REDIS_LOG)"
  wait_until redis "$WAIT_REDIS" "$REDIS_LOG" - redis_ready
  redis_tls_apply
  redis_url
}
redis_stop() {
  # Stops whatever Redis answers on our port (nothing else is expected there).
  if redis_ready; then
    pid_alive "$REDIS_PID" || log "redis: the Redis on port $REDIS_PORT_ was not started by these scripts; stopping it"
    redis-cli -h "$HOST" -p "$REDIS_PORT_" shutdown nosave >/dev/null 2>&1 || true
  fi
  stop_pidfile redis "$REDIS_PID" 15
  wait_port_free redis "$REDIS_PORT_" 15
}

# ---------------------------------------------------------------- MongoDB wire protocol: FerretDB v1 on PostgreSQL
# FerretDB's PostgreSQL backend, not its SQLite one: under two report workers the SQLite backend
# wedges (every pooled connection held by an abandoned result set, docs/drills.md) and it is
# ~1.5x slower. PostgreSQL listens on a Unix socket in its state dir only (no TCP port to clash).
# FerretDB's pool: 100 connections (its default is 50). A command in flight can hold two, so keep
# the sum of the clients' pools (MONGODB_MAX_POOL_SIZE x processes) below it.
FDB_DIR="$STATE/ferretdb"
FDB_BIN="$STATE/bin/ferretdb"
PG_DIR="$STATE/postgres"
PG_SOCKET_DIR="$PG_DIR/run"
PG_PORT="${SERVICES_POSTGRES_PORT:-5432}" # names the socket file only
mongo_url() {
  echo "mongo     mongodb://$HOST:$MONGO_PORT  (FerretDB $FERRETDB_VERSION, PostgreSQL backend)"
  if tls_wanted; then
    echo "          mongodb://$TLS_USER@$TLS_HOST:$MONGO_TLS_PORT/?tls=true&authMechanism=PLAIN  (TLS, client certificate required)"
  fi
}
mongo_tls_ready() { ! tls_wanted || tls_handshake "$MONGO_TLS_PORT"; }
mongo_ping() { # a real {ping: 1} OP_MSG over the wire (no npm package needed); TCP only without node
  tcp_open "$MONGO_PORT" || return 1
  command -v node >/dev/null 2>&1 || return 0
  MONGO_PORT="$MONGO_PORT" timeout 10 node -e '
    const doc = Buffer.concat([Buffer.from([0x10]), Buffer.from("ping\0"), Buffer.from([1, 0, 0, 0]),
      Buffer.from([0x02]), Buffer.from("$db\0"), Buffer.from([6, 0, 0, 0]), Buffer.from("admin\0"), Buffer.from([0])]);
    const body = Buffer.concat([Buffer.alloc(4), doc]); body.writeInt32LE(doc.length + 4, 0);
    const msg = Buffer.concat([Buffer.alloc(16), Buffer.alloc(4), Buffer.from([0]), body]);
    msg.writeInt32LE(msg.length, 0); msg.writeInt32LE(1, 4); msg.writeInt32LE(2013, 12);
    let got = Buffer.alloc(0);
    const s = require("net").connect(+process.env.MONGO_PORT, "127.0.0.1", () => s.write(msg));
    s.on("data", (d) => {
      got = Buffer.concat([got, d]);
      if (got.length < 4 || got.length < got.readInt32LE(0)) return;
      const i = got.indexOf(Buffer.from([0x01, 0x6f, 0x6b, 0x00])); // double "ok"
      process.exit(got.readInt32LE(12) === 2013 && i > 20 && got.readDoubleLE(i + 4) === 1 ? 0 : 1);
    });
    s.on("error", () => process.exit(1)); s.on("close", () => process.exit(1));'
}
ferretdb_build() {
  [ -x "$FDB_BIN" ] && return 0
  command -v go >/dev/null 2>&1 || die "mongo: Go is needed to build FerretDB $FERRETDB_VERSION"
  local t0 src moddir blog="$STATE/build/ferretdb-build.log"
  t0="$(now)"; src="$STATE/build/ferretdb-src"
  mkdir -p "$STATE/build" "$STATE/bin"
  log "mongo: building FerretDB $FERRETDB_VERSION from the Go module proxy (first run only; log: $blog)"
  # `go install ...@v1.24.2` fails here (it lists versions to check deprecations: 403), so fetch
  # the exact version, copy its source, add the version files release builds generate, build.
  moddir="$(cd "$STATE/build" && GOWORK=off GOFLAGS=-mod=mod \
    go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" 2>"$blog" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
  [ -d "$moddir" ] || die "mongo: go mod download $FERRETDB_MODULE@$FERRETDB_VERSION failed (log: $blog)"
  rm -rf "$src"; cp -r "$moddir" "$src"; chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  echo local >"$src/build/version/package.txt"
  (cd "$src" && GOWORK=off GOFLAGS=-buildvcs=false go build -trimpath -o "$FDB_BIN.tmp" ./cmd/ferretdb) \
    >>"$blog" 2>&1 || die "mongo: building FerretDB failed (log: $blog)"
  mv "$FDB_BIN.tmp" "$FDB_BIN"; rm -rf "$src"
  log "mongo: FerretDB built in $(( $(now) - t0 ))s -> $FDB_BIN"
}
pg_bin() { # the newest PostgreSQL server installed from Debian's packages
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$dir/pg_ctl" ] || die "mongo: no PostgreSQL server found under /usr/lib/postgresql"
  echo "$dir"
}
as_pg_owner() { # PostgreSQL refuses to run as root: use Debian's postgres user then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_ctl_() { as_pg_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" "$@"; }
postgres_start() {
  ensure_apt_packages postgresql
  local socket="$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT"
  [ ${#socket} -lt 100 ] || die "mongo: PostgreSQL socket path too long ($socket); set SERVICES_STATE_DIR to a shorter path"
  mkdir -p "$PG_SOCKET_DIR"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$PG_DIR"
  if [ ! -s "$PG_DIR/data/PG_VERSION" ]; then
    log "mongo: creating the PostgreSQL cluster for FerretDB ($PG_DIR/data)"
    as_pg_owner "$(pg_bin)/initdb" -D "$PG_DIR/data" --username=ferretdb --auth=trust \
      --encoding=UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 || die "mongo: initdb failed (log: $PG_DIR/initdb.log)"
  fi
  if ! pg_ctl_ status >/dev/null 2>&1; then
    pg_ctl_ -w -t "$WAIT_MONGO" -l "$PG_DIR/postgres.log" start -o "-c listen_addresses='' \
      -c unix_socket_directories='$PG_SOCKET_DIR' -c port=$PG_PORT -c max_connections=200 \
      -c shared_buffers=256MB" >/dev/null || die "mongo: PostgreSQL did not start (log: $PG_DIR/postgres.log)"
  fi
  as_pg_owner "$(pg_bin)/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U ferretdb -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'" | grep -q 1 ||
    as_pg_owner "$(pg_bin)/createdb" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U ferretdb ferretdb ||
    die "mongo: could not create the ferretdb database (log: $PG_DIR/postgres.log)"
}
# The TLS stack's user: FerretDB hands a client's PLAIN credentials to PostgreSQL, which checks this
# role's password (scram-sha-256); the role FerretDB uses for clients without credentials keeps
# the socket's trust. A reload, not a restart: connections stay.
postgres_tls_role() {
  tls_wanted || return 0
  local hba="$PG_DIR/data/pg_hba.conf" psql_=("$(pg_bin)/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U ferretdb -d ferretdb -tAq)
  if ! grep -q "^local all $TLS_USER scram-sha-256" "$hba"; then
    as_pg_owner sed -i "1i local all $TLS_USER scram-sha-256" "$hba" || die "mongo: could not edit $hba"
    pg_ctl_ reload >/dev/null || die "mongo: PostgreSQL did not reload (log: $PG_DIR/postgres.log)"
  fi
  # On stdin, so the password shows in no process list.
  printf '%s\n' \
    "SELECT 'CREATE ROLE $TLS_USER LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$TLS_USER')\\gexec" \
    "ALTER ROLE $TLS_USER WITH LOGIN PASSWORD '$TLS_MONGO_PASSWORD';" \
    "GRANT CREATE, CONNECT ON DATABASE ferretdb TO $TLS_USER;" |
    as_pg_owner "${psql_[@]}" -v ON_ERROR_STOP=1 -f - >/dev/null || die "mongo: could not set up the PostgreSQL role $TLS_USER"
}
postgres_stop() {
  [ -s "$PG_DIR/data/PG_VERSION" ] || return 0
  pg_ctl_ status >/dev/null 2>&1 || return 0
  pg_ctl_ -w -t 60 -m fast stop >/dev/null || log "WARNING: PostgreSQL did not stop (log: $PG_DIR/postgres.log)"
}
mongo_start() {
  ferretdb_build
  if pid_alive "$FDB_DIR/ferretdb.pid" && mongo_ping; then
    if mongo_tls_ready; then postgres_tls_role; mongo_url; return 0; fi
    log "mongo: restarting FerretDB to add its TLS listener on $MONGO_TLS_PORT (PostgreSQL keeps running)"
    stop_pidfile mongo "$FDB_DIR/ferretdb.pid" 20
    wait_port_free mongo "$MONGO_PORT" 10
  fi
  if ! pid_alive "$FDB_DIR/ferretdb.pid"; then
    if tls_wanted && tcp_open "$MONGO_TLS_PORT"; then die "mongo: TLS port $MONGO_TLS_PORT is taken by another process"; fi
    if tcp_open "$MONGO_PORT"; then
      if mongo_ping; then
        tls_wanted && die "mongo: the server on $MONGO_PORT was not started by these scripts; cannot add a TLS listener to it"
        log "mongo: a server not started by these scripts answers on $MONGO_PORT; leaving it"; mongo_url; return 0
      fi
      die "mongo: port $MONGO_PORT is taken by another process"
    fi
    postgres_start
    postgres_tls_role
    mkdir -p "$FDB_DIR"
    local tls_args=()
    if tls_wanted; then
      tls_args=(--listen-tls="$HOST:$MONGO_TLS_PORT" --listen-tls-cert-file="$TLS_SERVER_CERT"
        --listen-tls-key-file="$TLS_SERVER_KEY" --listen-tls-ca-file="$TLS_CA")
    fi
    setsid nohup "$FDB_BIN" --handler=postgresql "${tls_args[@]}" \
      --postgresql-url="postgres://ferretdb@/ferretdb?host=$PG_SOCKET_DIR&port=$PG_PORT&pool_max_conns=100" \
      --listen-addr="$HOST:$MONGO_PORT" --state-dir="$FDB_DIR" --telemetry=disable \
      --debug-addr="$HOST:$FERRETDB_DEBUG_PORT" --log-level=info \
      >"$FDB_DIR/ferretdb.log" 2>&1 </dev/null &
    echo $! >"$FDB_DIR/ferretdb.pid"
  fi
  wait_until mongo "$WAIT_MONGO" "$FDB_DIR/ferretdb.log" "$FDB_DIR/ferretdb.pid" mongo_ping
  wait_until "mongo (TLS listener)" "$WAIT_MONGO" "$FDB_DIR/ferretdb.log" "$FDB_DIR/ferretdb.pid" mongo_tls_ready
  mongo_url
}
mongo_stop() {
  stop_pidfile mongo "$FDB_DIR/ferretdb.pid" 20
  wait_port_free mongo "$MONGO_PORT" 10
  postgres_stop
}

# ---------------------------------------------------------------- Neo4j 5.26 LTS (embedded, Bolt)
NEO_DIR="$STATE/neo4j"
NEO_SRC="$SERVICES_DIR/neo4j-launcher"
NEO_BUILD="$NEO_DIR/build"
neo4j_url() {
  echo "neo4j     bolt://$HOST:$NEO4J_PORT  (user neo4j, password \$NEO4J_PASSWORD, default neo4j-password)"
  if tls_wanted; then
    echo "          bolt+s://$TLS_USER@$TLS_HOST:$NEO4J_PORT  (TLS on the same port: Neo4j's one Bolt connector takes both)"
  fi
}
neo4j_tls_ready() { ! tls_wanted || tls_handshake "$NEO4J_PORT"; }
neo4j_tls_user() { # the TLS stack's user beside neo4j (Community: every user may do everything)
  tls_wanted || return 0
  node_has neo4j-driver || die "neo4j: the TLS stack's user needs neo4j-driver (npm ci)"
  (cd "$REPO_ROOT" && NEO_URL="bolt://$HOST:$NEO4J_PORT" NEO_PW="$NEO4J_PASSWORD_" NEO_USER="$TLS_USER" \
    NEO_USER_PW="$TLS_NEO4J_PASSWORD" timeout 30 node -e '
    const neo4j = require("neo4j-driver");
    const d = neo4j.driver(process.env.NEO_URL, neo4j.auth.basic("neo4j", process.env.NEO_PW));
    const run = (q) => d.executeQuery(q, { user: process.env.NEO_USER, pw: process.env.NEO_USER_PW }, { database: "system" });
    run("CREATE USER $user IF NOT EXISTS SET PASSWORD $pw CHANGE NOT REQUIRED")
      .then(() => run("ALTER USER $user SET PASSWORD $pw CHANGE NOT REQUIRED"))
      .catch((e) => { if (!/same/i.test(e.message)) throw e; })
      .then(() => d.close()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });') ||
    die "neo4j: could not set up user $TLS_USER"
}
neo4j_query() { # RETURN 1 with neo4j-driver when installed, else a raw Bolt handshake
  tcp_open "$NEO4J_PORT" || return 1
  command -v node >/dev/null 2>&1 || return 0
  if node_has neo4j-driver; then
    (cd "$REPO_ROOT" && NEO_URL="bolt://$HOST:$NEO4J_PORT" NEO_PW="$NEO4J_PASSWORD_" timeout 20 node -e '
      const neo4j = require("neo4j-driver");
      const d = neo4j.driver(process.env.NEO_URL, neo4j.auth.basic("neo4j", process.env.NEO_PW));
      d.executeQuery("RETURN 1").then(() => d.close()).then(() => process.exit(0),
        (e) => process.exit(/Unauthorized/.test(e.code) ? 2 : 1));') || {
      [ $? = 2 ] && log "neo4j: Bolt answers but rejects user neo4j with \$NEO4J_PASSWORD"
      return 1
    }
  else
    NEO_PORT="$NEO4J_PORT" timeout 10 node -e '
      const s = require("net").connect(+process.env.NEO_PORT, "127.0.0.1", () => s.write(Buffer.from(
        [0x60, 0x60, 0xb0, 0x17, 0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0])));
      s.on("data", (d) => process.exit(d.length >= 4 && d.readUInt32BE(0) !== 0 ? 0 : 1));
      s.on("error", () => process.exit(1)); s.on("close", () => process.exit(1));'
  fi
}
neo4j_ready() { # ours: started and announced; then a real query when neo4j-driver is installed
  pid_alive "$NEO_DIR/neo4j.pid" && grep -q '^NEO4J_READY' "$NEO_DIR/neo4j.log" && neo4j_query
}
neo4j_build() {
  local jar="$NEO_BUILD/neo4j-launcher.jar" t0 blog="$NEO_DIR/build.log"
  if [ -f "$jar" ] && [ -z "$(find "$NEO_SRC/pom.xml" "$NEO_SRC/src" -newer "$jar" -type f | head -1)" ]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "neo4j: Maven is needed to build the launcher"
  t0="$(now)"; mkdir -p "$NEO_DIR"; rm -rf "$NEO_BUILD"
  log "neo4j: building the launcher with Maven (log: $blog)"
  mvn -q -B -f "$NEO_SRC/pom.xml" package -Dlauncher.buildDir="$NEO_BUILD" >"$blog" 2>&1 ||
    die "neo4j: Maven build of the launcher failed (log: $blog)"
  log "neo4j: launcher built in $(( $(now) - t0 ))s"
}
neo4j_start() {
  neo4j_build
  if neo4j_ready; then
    if neo4j_tls_ready; then neo4j_tls_user; neo4j_url; return 0; fi
    log "neo4j: restarting Neo4j to let its Bolt port take TLS (data kept)"
    neo4j_stop
  fi
  if ! pid_alive "$NEO_DIR/neo4j.pid"; then
    tcp_open "$NEO4J_PORT" && die "neo4j: port $NEO4J_PORT is taken by another process"
    command -v java >/dev/null 2>&1 || die "neo4j: Java 17+ is needed"
    mkdir -p "$NEO_DIR/home"
    local tls_dir=""
    if tls_wanted; then tls_dir="$TLS_NEO4J_DIR"; fi
    NEO4J_HOME_DIR="$NEO_DIR/home" NEO4J_BOLT_HOST="$HOST" NEO4J_BOLT_PORT="$NEO4J_PORT" \
      NEO4J_PASSWORD="$NEO4J_PASSWORD_" NEO4J_TLS_DIR="$tls_dir" \
      setsid nohup java "-Xmx${SERVICES_NEO4J_HEAP:-1g}" -XX:+ExitOnOutOfMemoryError \
      -cp "$NEO_BUILD/neo4j-launcher.jar:$NEO_BUILD/lib/*" local.services.Neo4jLauncher \
      >"$NEO_DIR/neo4j.log" 2>&1 </dev/null &
    echo $! >"$NEO_DIR/neo4j.pid"
  fi
  wait_until neo4j "$WAIT_NEO4J" "$NEO_DIR/neo4j.log" "$NEO_DIR/neo4j.pid" neo4j_ready
  wait_until "neo4j (TLS)" 30 "$NEO_DIR/neo4j.log" "$NEO_DIR/neo4j.pid" neo4j_tls_ready
  neo4j_tls_user
  neo4j_url
}
neo4j_stop() {
  stop_pidfile neo4j "$NEO_DIR/neo4j.pid" 60
  wait_port_free neo4j "$NEO4J_PORT" 10
}

# ---------------------------------------------------------------- dispatch
status_one() {
  local ok=1
  case "$1" in
    rabbitmq) rabbitmq_ready && rabbitmq_tls_ready && ok=0 ;;
    redis) redis_ready && { ! tls_wanted || redis_tls_ready; } && ok=0 ;;
    mongo) mongo_ping && mongo_tls_ready && ok=0 ;;
    neo4j) neo4j_query && neo4j_tls_ready && ok=0 ;;
    rabbitmq-cluster) rabbitmq_cluster_status; return ;;
  esac
  if [ $ok = 0 ]; then "$1_url"; else printf '%-9s down\n' "$1"; return 3; fi
}

usage() { echo "usage: $0 start|stop|restart|status rabbitmq|redis|mongo|neo4j|all|rabbitmq-cluster | rabbitmqctl ARGS..." >&2; exit 2; }
if [ "${1:-}" = rabbitmqctl ]; then shift; rmq rabbitmqctl "$@"; exit; fi
[ $# -eq 2 ] || usage
action="$1"; target="$2"
case "$target" in
  all) targets=(rabbitmq redis mongo neo4j) ;;
  rabbitmq | redis | mongo | neo4j) targets=("$target") ;;
  ferretdb | mongodb) targets=(mongo) ;;
  rabbit) targets=(rabbitmq) ;;
  rabbitmq-cluster | cluster) targets=(rabbitmq-cluster) ;;
  *) usage ;;
esac
rc=0
for t in "${targets[@]}"; do
  fn="${t//-/_}"
  case "$action" in
    start) "${fn}_start" ;;
    stop) "${fn}_stop"; printf '%-9s stopped\n' "$t" ;;
    restart) "${fn}_stop"; "${fn}_start" ;;
    status) status_one "$t" || rc=3 ;;
    *) usage ;;
  esac
done
exit $rc
