#!/usr/bin/env bash
# Runs a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager) on
# 127.0.0.1 for the end-to-end tests, from the binaries e2e/build-control-plane.sh builds
# (and builds them first when the cache lacks them).
#
# Usage: e2e/control-plane.sh start | env | stop | run -- COMMAND...
#        e2e/control-plane.sh build | versions | clean   (handed to build-control-plane.sh)
# See e2e/README.md for the environment variables and the measured costs.
set -euo pipefail

readonly PROG=control-plane
HERE=$(cd "$(dirname "$0")" && pwd)
readonly HERE
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

# No kubelet runs pods here, so the tests play the Deployment controller and write a
# Deployment's rollout status themselves; the real one would overwrite it.
KCM_CONTROLLERS=${E2E_KCM_CONTROLLERS:-*,-deployment-controller,-replicaset-controller}
readonly READY_TIMEOUT="${E2E_READY_TIMEOUT:-180}"
readonly SERVICE_CIDR="${E2E_SERVICE_CIDR:-10.0.0.0/24}"
# Ports are drawn from below the kernel's usual ephemeral range (32768+), so that
# outgoing connections of other programs do not take them between check and bind.
readonly PORT_MIN=20000 PORT_SPAN=12000
# More kube-apiserver flags, split at blanks (e2e/faults.sh shortens the compaction interval,
# bench/run.sh turns on the audit log).
read -r -a APISERVER_EXTRA_FLAGS <<<"${E2E_APISERVER_FLAGS:-}"
readonly APISERVER_EXTRA_FLAGS

STATE_DIR=""
OWN_STATE_DIR=0
FAIL_REASON=""

# ---------------------------------------------------------------------------------------
# Ports

# Ports on which some socket is bound, from the kernel's tables (IPv4 and IPv6).
bound_ports() {
  local f
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] || continue
    awk 'NR > 1 { split($2, a, ":"); print a[2] }' "$f"
  done | while read -r hex; do printf '%d\n' "0x$hex"; done | sort -u
}

port_in_use() {
  local port=$1
  bound_ports | grep -qx "$port" && return 0
  # Something may listen in another network view; a connect tells for sure.
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Prints NUMBER free ports, distinct, or fails.
pick_ports() {
  local want=$1 tries=0 port taken picked=()
  taken=$(bound_ports)
  while [ "${#picked[@]}" -lt "$want" ]; do
    tries=$((tries + 1))
    [ "$tries" -le 200 ] || return 1
    port=$((PORT_MIN + (RANDOM * 32768 + RANDOM) % PORT_SPAN))
    grep -qx "$port" <<<"$taken" && continue
    [[ " ${picked[*]} " == *" $port "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    picked+=("$port")
  done
  printf '%s\n' "${picked[@]}"
}

# ---------------------------------------------------------------------------------------
# Start and stop

make_certs() {
  local d=$1/pki
  command -v openssl >/dev/null 2>&1 || die "openssl not found on PATH; it makes the control plane's certificates"
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3 -keyout ca.key -out ca.crt \
      -subj "/CN=mta-sts-e2e-ca"
    issue() { # name subject extensions
      openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$1.key" -out "$1.csr" -subj "$2"
      openssl x509 -req -sha256 -days 3 -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
        -out "$1.crt" -extfile <(printf '%s\n' "$3")
      rm -f "$1.csr"
    }
    local first_service_ip
    first_service_ip=$(service_ip "$SERVICE_CIDR")
    issue apiserver "/CN=kube-apiserver" \
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:$first_service_ip
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth"
    issue admin "/O=system:masters/CN=mta-sts-e2e-admin" \
      "keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
    issue controller-manager "/CN=system:kube-controller-manager" \
      "keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
    # a user of its own, outside system:masters, so that RBAC and API Priority and Fairness
    # apply to an operator run with it (e2e/faults.sh throttles it)
    issue operator "/CN=mta-sts-e2e-operator" \
      "keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$1/logs/openssl.log" 2>&1 || true
  # Checked file by file: errexit does not apply inside a subshell whose status is tested.
  local f
  for f in ca.crt ca.key apiserver.crt apiserver.key admin.crt admin.key \
    controller-manager.crt controller-manager.key operator.crt operator.key sa.key sa.pub; do
    [ -s "$d/$f" ] || die "making certificates with openssl failed: no $f (log: $1/logs/openssl.log)"
  done
}

# The first address of an IPv4 CIDR (the one the API server gives its own Service).
service_ip() {
  local net=${1%/*} a b c d
  IFS=. read -r a b c d <<<"$net"
  printf '%s.%s.%s.%s\n' "$a" "$b" "$c" "$((d + 1))"
}

write_kubeconfig() {
  local file=$1 port=$2 user=$3 cert=$4 key=$5 ca=$6
  umask 077
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: mta-sts-e2e
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority-data: $(base64 -w0 <"$ca")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$cert")
    client-key-data: $(base64 -w0 <"$key")
contexts:
- name: mta-sts-e2e
  context:
    cluster: mta-sts-e2e
    user: $user
current-context: mta-sts-e2e
EOF
}

# Starts a program in the background, logging to the state dir and recording its PID.
launch() {
  local name=$1 bin=$2 pid
  shift 2
  if [ "${DETACH:-0}" = 1 ] && command -v setsid >/dev/null 2>&1; then
    # The control plane outlives `start`; setsid detaches it from the terminal, so the
    # terminal's hang-up and interrupt signals do not reach it.
    setsid "$bin" "$@" >"$STATE_DIR/logs/$name.log" 2>&1 </dev/null &
  else
    "$bin" "$@" >"$STATE_DIR/logs/$name.log" 2>&1 </dev/null &
  fi
  pid=$!
  printf '%s %s\n' "$pid" "$bin" >"$STATE_DIR/$name.pid"
  # the same command line starts it again after `stop-component` (see cmd_start_component)
  printf '%q ' "$bin" "$@" >"$STATE_DIR/$name.cmd"
  # Until the forked shell (or setsid) has exec'd the binary, the PID shows another
  # program; wait for the exec so that later identity checks are meaningful.
  local tries=0
  while [ "$tries" -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
    case $(readlink "/proc/$pid/exe" 2>/dev/null || true) in
      "$bin" | "$bin (deleted)" | "") break ;;
    esac
    sleep 0.02
    tries=$((tries + 1))
  done
}

# True while the process recorded for NAME runs the recorded binary (a recycled PID
# belonging to something else is left alone).
recorded_alive() {
  local name=$1 pid bin exe
  [ -f "$STATE_DIR/$name.pid" ] || return 1
  read -r pid bin <"$STATE_DIR/$name.pid"
  kill -0 "$pid" 2>/dev/null || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  [ -z "$exe" ] || [ "$exe" = "$bin" ] || [ "$exe" = "$bin (deleted)" ]
}

stop_one() {
  local name=$1 pid bin waited=0
  [ -f "$STATE_DIR/$name.pid" ] || return 0
  read -r pid bin <"$STATE_DIR/$name.pid"
  if recorded_alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 100 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) ignored SIGTERM for 10s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  # Reap it when it is a child of this shell.
  wait "$pid" 2>/dev/null || true
  rm -f "$STATE_DIR/$name.pid"
}

stop_all() {
  [ -n "$STATE_DIR" ] && [ -d "$STATE_DIR" ] || return 0
  stop_one kube-controller-manager
  stop_one kube-apiserver
  stop_one etcd
}

# Waits until CHECK succeeds; fails early when the process NAME has exited.
wait_for() {
  local name=$1 what=$2 deadline=$((SECONDS + READY_TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ! recorded_alive "$name"; then
      return 2
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      return 1
    fi
    sleep 0.5
  done
  # An answer from a process that is not ours (one on the same port) does not count.
  recorded_alive "$name" || return 2
  say "$what after $((SECONDS - START_SECONDS))s"
}

# etcd's /health answers {"health":"true"} once it serves; a bare open port is not
# enough, as it may belong to another program.
etcd_healthy() {
  local port=$1 reply
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$port" >&3
  reply=$(timeout 5 cat <&3) || true
  exec 3>&-
  [[ $reply == *'"health":"true"'* ]]
}

kubectl_ok() { "$K8S_BIN_DIR/kubectl" --kubeconfig "$STATE_DIR/kubeconfig" --request-timeout=5s "$@"; }

apiserver_ready() { [ "$(kubectl_ok get --raw=/readyz)" = ok ]; }

# The service-account controller creating the default ServiceAccount shows that the
# controller manager reached the API server and runs its controllers.
controllers_running() { kubectl_ok -n default get serviceaccount default; }

# Records why NAME did not come up; returns 2 when another port could help.
startup_failed() {
  local name=$1 why=$2 log="$STATE_DIR/logs/$1.log" cause=""
  if grep -qi 'address already in use' "$log" 2>/dev/null; then
    say "$name found its port taken; retrying with other ports"
    return 2
  fi
  show_log_tail "$log"
  if [ "$why" = "exited during start-up" ]; then
    # The last line a component logs before exiting names the cause; drop klog's prefix.
    cause=$(grep -v '^[[:space:]]*$' "$log" 2>/dev/null | tail -n 1 |
      sed 's/^[IWEF][0-9]\{4\} [0-9:.]* *[0-9]* [^]]*] //' | cut -c1-240)
  fi
  FAIL_REASON="$name $why${cause:+: $cause} (logs: $STATE_DIR/logs)"
  return 1
}

# Starts etcd, kube-apiserver and kube-controller-manager once; returns 2 when a port
# turned out to be taken, so that the caller can retry with fresh ports.
boot() {
  local etcd_client etcd_peer api ports p1 p2 p3 rc=0
  etcd_client=${E2E_ETCD_CLIENT_PORT:-}
  etcd_peer=${E2E_ETCD_PEER_PORT:-}
  api=${E2E_APISERVER_PORT:-}
  if ! ports=$(pick_ports 3); then
    FAIL_REASON="no free TCP port found on 127.0.0.1 in $PORT_MIN-$((PORT_MIN + PORT_SPAN - 1))"
    return 1
  fi
  read -r -d '' p1 p2 p3 <<<"$ports" || true
  etcd_client=${etcd_client:-$p1}
  etcd_peer=${etcd_peer:-$p2}
  api=${api:-$p3}

  rm -rf "$STATE_DIR/etcd-data"
  START_SECONDS=$SECONDS
  launch etcd "$ETCD_BIN_DIR/etcd" \
    --name=e2e \
    --data-dir="$STATE_DIR/etcd-data" \
    --listen-client-urls="http://127.0.0.1:$etcd_client" \
    --advertise-client-urls="http://127.0.0.1:$etcd_client" \
    --listen-peer-urls="http://127.0.0.1:$etcd_peer" \
    --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer" \
    --initial-cluster="e2e=http://127.0.0.1:$etcd_peer" \
    --unsafe-no-fsync \
    --log-level=warn
  printf '%s\n' "$etcd_client" >"$STATE_DIR/etcd.port"
  wait_for etcd "etcd healthy on 127.0.0.1:$etcd_client" etcd_healthy "$etcd_client" || rc=$?
  case $rc in
    0) ;;
    2) startup_failed etcd "exited during start-up"; return ;;
    *) startup_failed etcd "not healthy within ${READY_TIMEOUT}s"; return ;;
  esac

  local pki="$STATE_DIR/pki"
  launch kube-apiserver "$K8S_BIN_DIR/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$etcd_client" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$api" \
    --cert-dir="$STATE_DIR/apiserver-certs" \
    --tls-cert-file="$pki/apiserver.crt" \
    --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" \
    --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$pki/sa.pub" \
    --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --endpoint-reconciler-type=none \
    --profiling=false \
    ${APISERVER_EXTRA_FLAGS[@]+"${APISERVER_EXTRA_FLAGS[@]}"}
  write_kubeconfig "$STATE_DIR/kubeconfig" "$api" mta-sts-e2e-admin \
    "$pki/admin.crt" "$pki/admin.key" "$pki/ca.crt"
  write_kubeconfig "$STATE_DIR/operator.kubeconfig" "$api" mta-sts-e2e-operator \
    "$pki/operator.crt" "$pki/operator.key" "$pki/ca.crt"
  rc=0
  wait_for kube-apiserver "kube-apiserver ready on https://127.0.0.1:$api" apiserver_ready || rc=$?
  case $rc in
    0) ;;
    2) startup_failed kube-apiserver "exited during start-up"; return ;;
    *) startup_failed kube-apiserver "not ready (/readyz) within ${READY_TIMEOUT}s"; return ;;
  esac

  write_kubeconfig "$STATE_DIR/controller-manager.kubeconfig" "$api" system:kube-controller-manager \
    "$pki/controller-manager.crt" "$pki/controller-manager.key" "$pki/ca.crt"
  launch kube-controller-manager "$K8S_BIN_DIR/kube-controller-manager" \
    --kubeconfig="$STATE_DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 \
    --secure-port=0 \
    --leader-elect=false \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$pki/sa.key" \
    --root-ca-file="$pki/ca.crt" \
    --cluster-signing-cert-file="$pki/ca.crt" \
    --cluster-signing-key-file="$pki/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --controllers="$KCM_CONTROLLERS" \
    --profiling=false
  rc=0
  wait_for kube-controller-manager "kube-controller-manager running its controllers" controllers_running || rc=$?
  case $rc in
    0) ;;
    2) startup_failed kube-controller-manager "exited during start-up"; return ;;
    *) startup_failed kube-controller-manager "did not create the default ServiceAccount within ${READY_TIMEOUT}s"; return ;;
  esac
  printf '%s\n' "$api" >"$STATE_DIR/apiserver.port"
}

check_pinned_ports() {
  local var port
  for var in E2E_ETCD_CLIENT_PORT E2E_ETCD_PEER_PORT E2E_APISERVER_PORT; do
    port=${!var:-}
    [ -n "$port" ] || continue
    if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
      die "$var=$port is not a TCP port number"
    fi
    if port_in_use "$port"; then
      die "port $port ($var) on 127.0.0.1 is in use; free it or unset $var to let a free port be picked"
    fi
  done
}

# Brings the control plane up in STATE_DIR, retrying with other ports when one was taken.
bring_up() {
  local attempt rc
  bin_dirs
  if ! k8s_cached || ! etcd_cached || ! gateway_api_cached; then
    # the build names its own failure; only the exit is left to report
    "$HERE/build-control-plane.sh" build || { REPORTED=1; exit 1; }
  fi
  check_pinned_ports
  mkdir -p "$STATE_DIR/logs"
  make_certs "$STATE_DIR"
  for attempt in 1 2 3; do
    rc=0
    boot || rc=$?
    [ "$rc" -eq 0 ] && break
    stop_all
    if [ "$rc" -ne 2 ] || [ "$attempt" -eq 3 ] ||
      [ -n "${E2E_APISERVER_PORT:-}${E2E_ETCD_CLIENT_PORT:-}${E2E_ETCD_PEER_PORT:-}" ]; then
      die "${FAIL_REASON:-the control plane did not start (logs: $STATE_DIR/logs)}"
    fi
  done
  install_gateway_api
  write_env_file
}

# Installs the cached Gateway API CRDs and waits until the API server serves them. Server-side
# apply, because the HTTPRoute CRD is larger than the last-applied annotation may be.
install_gateway_api() {
  local kubectl=("$K8S_BIN_DIR/kubectl" --kubeconfig "$STATE_DIR/kubeconfig")
  if ! "${kubectl[@]}" apply --server-side --field-manager=mta-sts-e2e -f "$GATEWAY_API_DIR" \
    >"$STATE_DIR/logs/gateway-api.log" 2>&1; then
    show_log_tail "$STATE_DIR/logs/gateway-api.log"
    die "applying the Gateway API $GATEWAY_API_VERSION CRDs failed (log: $STATE_DIR/logs/gateway-api.log)"
  fi
  if ! "${kubectl[@]}" wait --for condition=Established --timeout=60s \
    -f "$GATEWAY_API_DIR" >>"$STATE_DIR/logs/gateway-api.log" 2>&1; then
    show_log_tail "$STATE_DIR/logs/gateway-api.log"
    die "the Gateway API CRDs were not established within 60s (log: $STATE_DIR/logs/gateway-api.log)"
  fi
  say "Gateway API $GATEWAY_API_VERSION CRDs installed"
}

write_env_file() {
  {
    printf 'export KUBECONFIG=%q\n' "$STATE_DIR/kubeconfig"
    printf 'export MTASTS_E2E_BIN_DIR=%q\n' "$K8S_BIN_DIR"
    printf 'export MTASTS_E2E_KUBECTL=%q\n' "$K8S_BIN_DIR/kubectl"
    printf 'export MTASTS_E2E_GATEWAY_API=%q\n' "$GATEWAY_API_VERSION"
    printf 'export MTASTS_E2E_STATE_DIR=%q\n' "$STATE_DIR"
    # the user mta-sts-e2e-operator, which has no rights until a test binds a role to it
    printf 'export MTASTS_E2E_OPERATOR_KUBECONFIG=%q\n' "$STATE_DIR/operator.kubeconfig"
  } >"$STATE_DIR/env"
}

# What a run writes into its state directory. Only these are ever deleted there, so that a
# state directory named by mistake (E2E_STATE_DIR) loses nothing else.
clear_state() { # [--keep-logs]
  local entry
  [ -d "$STATE_DIR" ] || return 0
  for entry in etcd-data pki apiserver-certs kubeconfig controller-manager.kubeconfig env \
    apiserver.port etcd.pid kube-apiserver.pid kube-controller-manager.pid \
    operator.kubeconfig etcd.port etcd.cmd kube-apiserver.cmd kube-controller-manager.cmd; do
    rm -rf "${STATE_DIR:?}/$entry"
  done
  if [ "${1:-}" != --keep-logs ]; then
    rm -rf "${STATE_DIR:?}/logs"
    rmdir "$STATE_DIR" 2>/dev/null || true
  fi
}

# On any exit of `start` before it has succeeded, and on every exit of `run`: stop what
# was started and remove the temporary state.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "${SUITE_PID:-}" ] && kill -0 "$SUITE_PID" 2>/dev/null; then
    kill -TERM "$SUITE_PID" 2>/dev/null || true
    wait "$SUITE_PID" 2>/dev/null || true
  fi
  stop_all
  if [ "$OWN_STATE_DIR" = 1 ] && [ "${E2E_KEEP_STATE:-0}" != 1 ]; then
    if [ "$rc" -ne 0 ] && [ -d "$STATE_DIR/logs" ]; then
      # Keep the logs of a failed run for reading; drop the data and the keys.
      clear_state --keep-logs
      [ "$REPORTED" = 1 ] || say "logs of this run kept in $STATE_DIR/logs"
    else
      clear_state
    fi
  fi
  exit "$rc"
}

install_traps() {
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

default_state_dir() { printf '%s\n' "${E2E_STATE_DIR:-$CACHE_DIR/state}"; }

cmd_start() {
  STATE_DIR=$(default_state_dir)
  if [ -f "$STATE_DIR/env" ]; then
    local name
    for name in etcd kube-apiserver kube-controller-manager; do
      recorded_alive "$name" &&
        die "a control plane already runs from $STATE_DIR; run '$0 stop' first"
    done
  fi
  clear_state
  mkdir -p "$STATE_DIR"
  OWN_STATE_DIR=1
  DETACH=1
  install_traps
  bring_up
  trap - EXIT INT TERM
  say "control plane running; stop it with: $0 stop"
  cat "$STATE_DIR/env"
}

cmd_env() {
  STATE_DIR=$(default_state_dir)
  [ -f "$STATE_DIR/env" ] || die "no control plane started from $STATE_DIR; run '$0 start' first"
  recorded_alive kube-apiserver || die "the control plane recorded in $STATE_DIR no longer runs; run '$0 stop' then '$0 start'"
  cat "$STATE_DIR/env"
}

cmd_stop() {
  STATE_DIR=$(default_state_dir)
  [ -d "$STATE_DIR" ] || { say "nothing to stop in $STATE_DIR"; return 0; }
  stop_all
  clear_state
  say "control plane stopped"
}

# Starts a private control plane, runs COMMAND with KUBECONFIG pointing at it, stops it,
# and exits with COMMAND's status.
cmd_run() {
  [ "${1:-}" = "--" ] && shift
  [ "$#" -gt 0 ] || die "usage: $0 run -- COMMAND [ARG...]"
  mkdir -p "$CACHE_DIR"
  if [ -n "${E2E_STATE_DIR:-}" ]; then
    STATE_DIR=$E2E_STATE_DIR
    clear_state
    mkdir -p "$STATE_DIR"
  else
    STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mta-sts-e2e.XXXXXX")
  fi
  OWN_STATE_DIR=1
  install_traps
  bring_up
  # shellcheck source=/dev/null
  . "$STATE_DIR/env"
  export PATH="$K8S_BIN_DIR:$ETCD_BIN_DIR:$PATH"
  local rc=0
  # In the background, so that a TERM or INT reaches the trap at once.
  "$@" &
  SUITE_PID=$!
  wait "$SUITE_PID" || rc=$?
  SUITE_PID=""
  exit "$rc"
}

# The control plane a `run` or `start` left running: the one whose environment this process
# has (MTASTS_E2E_STATE_DIR, exported by `run`), else the one `start` keeps.
running_state_dir() {
  STATE_DIR=${MTASTS_E2E_STATE_DIR:-$(default_state_dir)}
  [ -f "$STATE_DIR/env" ] || die "no control plane runs from $STATE_DIR"
}

component_name() {
  case ${1:-} in
    etcd | kube-apiserver) ;;
    *) die "usage: $0 stop-component|start-component etcd|kube-apiserver (got '${1:-}')" ;;
  esac
}

# Stops one component (SIGTERM, SIGKILL after 10 s) and leaves the rest running; used to
# test how clients live through an outage. The state stays, so start-component resumes it.
cmd_stop_component() {
  component_name "${1:-}"
  running_state_dir
  recorded_alive "$1" || die "$1 does not run from $STATE_DIR"
  stop_one "$1"
  say "$1 stopped"
}

# Starts a component stopped by stop-component again, with its earlier command line (same
# ports and data), and waits until it serves. The whole control plane's `stop`, or the end
# of `run`, stops it like the others.
cmd_start_component() {
  local name=${1:-} rc=0 cmd
  component_name "$name"
  running_state_dir
  recorded_alive "$name" && die "$name already runs from $STATE_DIR"
  [ -r "$STATE_DIR/$name.cmd" ] || die "no command line of $name recorded in $STATE_DIR"
  bin_dirs
  cmd=$(<"$STATE_DIR/$name.cmd")
  # the log of the earlier process stays next to the new one
  [ -f "$STATE_DIR/logs/$name.log" ] &&
    mv "$STATE_DIR/logs/$name.log" "$STATE_DIR/logs/$name.stopped-$(date +%s).log"
  START_SECONDS=$SECONDS
  DETACH=1
  eval "launch \"\$name\" $cmd"
  case $name in
    etcd) wait_for etcd "etcd healthy again" etcd_healthy "$(<"$STATE_DIR/etcd.port")" || rc=$? ;;
    kube-apiserver) wait_for kube-apiserver "kube-apiserver ready again" apiserver_ready || rc=$? ;;
  esac
  [ "$rc" = 0 ] || die "$name did not come back (rc $rc; log: $STATE_DIR/logs/$name.log)"
}

usage() {
  cat <<USAGE
usage: $0 COMMAND
  start            build if needed, start the control plane in the background, print
                   'export KUBECONFIG=...' (use: eval "\$($0 start)")
  env              print the exports for the control plane that 'start' left running
  stop             stop the control plane that 'start' left running
  run -- CMD...    start a private control plane, run CMD with KUBECONFIG set, stop it;
                   exits with CMD's status
  stop-component etcd|kube-apiserver
                   stop one component of the running control plane (the one of
                   \$MTASTS_E2E_STATE_DIR, which 'run' exports, else the one 'start' left)
  start-component etcd|kube-apiserver
                   start it again on the same ports and data, and wait until it serves
  build            build the binaries into $CACHE_DIR/bin unless already cached
  versions         print the versions and where the binaries are
  clean            remove the Go module and build caches (several GB), keep the binaries
The last three are those of $HERE/build-control-plane.sh.
USAGE
}

main() {
  local cmd=${1:-}
  [ "$#" -gt 0 ] && shift
  case $cmd in
    start) cmd_start ;;
    env) cmd_env ;;
    stop) cmd_stop ;;
    run) cmd_run "$@" ;;
    stop-component) cmd_stop_component "$@" ;;
    start-component) cmd_start_component "$@" ;;
    build | versions | clean) exec "$HERE/build-control-plane.sh" "$cmd" "$@" ;;
    -h | --help | help) usage ;;
    *) die "unknown command '$cmd' (see $0 --help)" ;;
  esac
}

main "$@"
