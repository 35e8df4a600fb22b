# Sourced by control-plane.sh and build-control-plane.sh: the versions, where the cache keeps
# the binaries, how a cached set is recognised, and the messages. The caller sets PROG.
# shellcheck shell=bash

readonly K8S_VERSION="${E2E_K8S_VERSION:-v1.36.3}"
readonly ETCD_VERSION="${E2E_ETCD_VERSION:-v3.6.16}"
# The Gateway API CRDs (standard channel) installed into the control plane; ListenerSet is
# standard from v1.5. v1.7 declares a newer Go than the machines have.
readonly GATEWAY_API_VERSION="${E2E_GATEWAY_API_VERSION:-v1.6.3}"
# Bump when the way the binaries are built changes, so that cached binaries are rebuilt.
readonly RECIPE=1
readonly CACHE_DIR="${MTASTS_E2E_CACHE:-$HOME/.cache/mta-sts-operator/e2e}"

GOOS_GOARCH=""
K8S_BIN_DIR=""
ETCD_BIN_DIR=""
GATEWAY_API_DIR=""
REPORTED=0

die() {
  printf '%s: %s\n' "$PROG" "$*" >&2
  REPORTED=1
  exit 1
}

say() {
  printf '%s: %s\n' "$PROG" "$*" >&2
}

verbose() {
  [ "${E2E_VERBOSE:-0}" = 1 ] || [ "${CI:-}" = true ]
}

# Shows the end of a log before a failure is reported, where someone can read it later.
show_log_tail() {
  local file=$1
  if verbose && [ -s "$file" ]; then
    printf -- '--- last lines of %s\n' "$file" >&2
    tail -n 25 "$file" | sed 's/^/  | /' >&2
  fi
}


bin_dirs() {
  if [ -z "$GOOS_GOARCH" ]; then
    GOOS_GOARCH="$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')"
  fi
  K8S_BIN_DIR="$CACHE_DIR/bin/kubernetes-$K8S_VERSION-$GOOS_GOARCH"
  ETCD_BIN_DIR="$CACHE_DIR/bin/etcd-$ETCD_VERSION-$GOOS_GOARCH"
  GATEWAY_API_DIR="$CACHE_DIR/crds/gateway-api-$GATEWAY_API_VERSION"
}

k8s_stamp() { printf 'kubernetes %s recipe %s %s\n' "$K8S_VERSION" "$RECIPE" "$GOOS_GOARCH"; }
etcd_stamp() { printf 'etcd %s recipe %s %s\n' "$ETCD_VERSION" "$RECIPE" "$GOOS_GOARCH"; }
# Plain YAML, the same on every platform.
gateway_api_stamp() { printf 'gateway-api %s standard crds\n' "$GATEWAY_API_VERSION"; }

# True when DIR holds every named binary and a stamp equal to STAMP.
cached() {
  local dir=$1 stamp=$2 bin
  shift 2
  [ -f "$dir/stamp" ] && [ "$(head -n 1 "$dir/stamp")" = "$stamp" ] || return 1
  for bin in "$@"; do
    [ -x "$dir/$bin" ] || return 1
  done
}

k8s_cached() { cached "$K8S_BIN_DIR" "$(k8s_stamp)" kube-apiserver kube-controller-manager kubectl; }
etcd_cached() { cached "$ETCD_BIN_DIR" "$(etcd_stamp)" etcd; }
gateway_api_cached() {
  [ -f "$GATEWAY_API_DIR/stamp" ] && [ "$(head -n 1 "$GATEWAY_API_DIR/stamp")" = "$(gateway_api_stamp)" ] &&
    [ -f "$GATEWAY_API_DIR/gateway.networking.k8s.io_httproutes.yaml" ]
}

