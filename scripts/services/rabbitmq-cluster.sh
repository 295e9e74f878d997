# A 3-node RabbitMQ cluster on 127.0.0.1 from the Debian package (sourced by service.sh, after
# lib.sh), beside the single node, for failover work: RABBITMQ_URL lists the three nodes.
# Node n (1..3) listens for AMQP on SERVICES_RABBITMQ_CLUSTER_PORT + n - 1 (default: the single
# node's port + 9, so 5681-5683, or 12681-12683 for the drills' stack), its management UI on that
# + 10000 and its Erlang distribution on that + 20000. Node names carry the port (the Erlang port
# mapper is shared by every stack on the machine). One Erlang cookie for the three nodes and the
# CLI; data and logs under $STATE/rabbitmq-cluster/node-n (kept across restarts, like the single
# node's). Nodes 2 and 3 join node 1 with `rabbitmqctl join_cluster` once; later starts find
# the membership in their data.

CLUSTER_DIR="$STATE/rabbitmq-cluster"
CLUSTER_NODES=(1 2 3)
CLUSTER_BASE_PORT="${SERVICES_RABBITMQ_CLUSTER_PORT:-$((RABBITMQ_AMQP_PORT + 9))}"
CLUSTER_JOIN_LOG="$CLUSTER_DIR/join.log"

cluster_port() { echo $((CLUSTER_BASE_PORT + $1 - 1)); }
cluster_mgmt_port() { echo $((CLUSTER_BASE_PORT + $1 - 1 + 10000)); }
cluster_node() { echo "rabbit-$1-$(cluster_port "$1")@localhost"; }
cluster_pidfile() { echo "$CLUSTER_DIR/node-$1/$(cluster_node "$1").pid"; }
cluster_log() { echo "$CLUSTER_DIR/node-$1/log/$(cluster_node "$1").log"; }
crmq() { # crmq N TOOL ARGS...: run a RabbitMQ tool against cluster node N
  local n="$1"
  shift
  rabbitmq_tool "$CLUSTER_DIR/home" "$CLUSTER_DIR/node-$n" "$(cluster_node "$n")" "$(cluster_port "$n")" "$@"
}

rabbitmq_cluster_urls() { # the value for RABBITMQ_URL
  local n urls=()
  for n in "${CLUSTER_NODES[@]}"; do urls+=("amqp://guest:guest@$HOST:$(cluster_port "$n")"); done
  (IFS=,; echo "${urls[*]}")
}
rabbitmq_cluster_url() {
  local n
  echo "rabbitmq-cluster  3 nodes, management http://$HOST:$(cluster_mgmt_port 1) (also :$(cluster_mgmt_port 2), :$(cluster_mgmt_port 3); guest/guest)"
  for n in "${CLUSTER_NODES[@]}"; do
    echo "  node $n  $(cluster_node "$n")  amqp://guest:guest@$HOST:$(cluster_port "$n")"
  done
  echo "  RABBITMQ_URL=$(rabbitmq_cluster_urls)"
}

# cluster_running_nodes: the members that node N's management API (first that answers) reports
# running, one per line.
cluster_running_nodes() {
  local n json
  for n in "${CLUSTER_NODES[@]}"; do
    json="$(curl -fsS -m 5 -u guest:guest "http://$HOST:$(cluster_mgmt_port "$n")/api/nodes?columns=name,running" 2>/dev/null)" || continue
    printf '%s' "$json" | tr '}' '\n' | grep '"running":true' | sed -n 's/.*"name":"\([^"]*\)".*/\1/p'
    return 0
  done
  return 1
}
cluster_node_answers() { # AMQP and management of node N accept connections
  tcp_open "$(cluster_port "$1")" && tcp_open "$(cluster_mgmt_port "$1")"
}
rabbitmq_cluster_ready() { # every node answers and reports all three running in one cluster
  local n running
  for n in "${CLUSTER_NODES[@]}"; do cluster_node_answers "$n" || return 1; done
  running="$(cluster_running_nodes)" || return 1
  for n in "${CLUSTER_NODES[@]}"; do grep -qxF "$(cluster_node "$n")" <<<"$running" || return 1; done
}
rabbitmq_cluster_status() { # ready: the URL lines; otherwise which nodes run, and exit 3
  if rabbitmq_cluster_ready; then rabbitmq_cluster_url; return 0; fi
  local running
  running="$(cluster_running_nodes 2>/dev/null | tr '\n' ' ')" || true
  printf '%-9s down%s\n' rabbitmq-cluster "${running:+ (running: ${running% })}"
  return 3
}

cluster_cookie() { # one cookie for every node and the CLI, made once
  local cookie="$CLUSTER_DIR/home/.erlang.cookie"
  mkdir -p "$CLUSTER_DIR/home"
  [ -s "$cookie" ] && return 0
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$cookie")
  chmod 400 "$cookie"
}

cluster_node_start() { # start node N unless it runs; refuse ports that another process holds
  local n="$1" dir="$CLUSTER_DIR/node-$1" port
  pid_alive "$(cluster_pidfile "$n")" && return 0
  rm -f "$(cluster_pidfile "$n")"
  for port in "$(cluster_port "$n")" "$(cluster_mgmt_port "$n")" $(($(cluster_port "$n") + 20000)); do
    tcp_open "$port" && die "rabbitmq-cluster: port $port (node $n) is taken by another process"
  done
  # pause_minority: a node cut off from the other two stops serving instead of diverging.
  rabbitmq_write_config "$dir" "$(cluster_port "$n")" "$(cluster_mgmt_port "$n")" \
    "cluster_partition_handling = pause_minority"
  echo '[rabbitmq_management].' >"$dir/enabled_plugins"
  crmq "$n" rabbitmq-server -detached >"$dir/log/startup.log" 2>&1 ||
    die "rabbitmq-cluster: node $n did not start (log: $dir/log/startup.log)"
}

cluster_is_member() { # node 1 lists node N among the cluster's members (running or not)
  crmq 1 rabbitmqctl -q cluster_status --formatter json 2>/dev/null | grep -qF "\"$(cluster_node "$1")\""
}

cluster_join() { # node N joins node 1's cluster, once: join_cluster resets the node (drops its data)
  local n="$1"
  cluster_is_member "$n" && return 0
  log "rabbitmq-cluster: node $n joins $(cluster_node 1)"
  {
    crmq "$n" rabbitmqctl -q stop_app &&
      crmq "$n" rabbitmqctl -q join_cluster "$(cluster_node 1)" &&
      crmq "$n" rabbitmqctl -q start_app
  } >>"$CLUSTER_JOIN_LOG" 2>&1 || die "rabbitmq-cluster: node $n could not join $(cluster_node 1) (log: $CLUSTER_JOIN_LOG)"
}

rabbitmq_cluster_start() {
  ensure_apt_packages rabbitmq-server curl
  if rabbitmq_cluster_ready; then rabbitmq_cluster_url; return 0; fi
  local n t0
  t0="$(now)"
  cluster_cookie
  # All at once: a node that was clustered waits at boot for the others' data.
  for n in "${CLUSTER_NODES[@]}"; do cluster_node_start "$n"; done
  for n in "${CLUSTER_NODES[@]}"; do
    wait_until "rabbitmq-cluster node $n" "$WAIT_RABBITMQ" "$(cluster_log "$n")" - cluster_node_answers "$n"
  done
  # Members found in their data are running again by now; only a node new to the cluster joins.
  rabbitmq_cluster_ready || for n in "${CLUSTER_NODES[@]:1}"; do cluster_join "$n"; done
  wait_until rabbitmq-cluster "$WAIT_RABBITMQ" "$CLUSTER_JOIN_LOG" - rabbitmq_cluster_ready
  log "rabbitmq-cluster: 3 nodes up in one cluster in $(($(now) - t0))s"
  rabbitmq_cluster_url
}

cluster_node_stop() {
  local n="$1"
  if pid_alive "$(cluster_pidfile "$n")"; then
    crmq "$n" rabbitmqctl -q -t 60 shutdown >/dev/null 2>&1 || true
    stop_pidfile "rabbitmq-cluster node $n" "$(cluster_pidfile "$n")" 30
  else
    rm -f "$(cluster_pidfile "$n")"
  fi
  wait_port_free "rabbitmq-cluster node $n" "$(cluster_port "$n")" 30
}
rabbitmq_cluster_stop() { # all three at once; each keeps its data and its membership
  local n pids=()
  for n in "${CLUSTER_NODES[@]}"; do
    cluster_node_stop "$n" &
    pids+=($!)
  done
  for n in "${pids[@]}"; do wait "$n" || true; done
}
