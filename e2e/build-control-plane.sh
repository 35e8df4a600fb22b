#!/usr/bin/env bash
# Builds the binaries of a real Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager, kubectl) from their Go modules into the cache outside the
# repository, where e2e/control-plane.sh finds them.
#
# Usage: e2e/build-control-plane.sh build | versions | clean
# See e2e/README.md for the environment variables and the measured costs.
set -euo pipefail

readonly PROG=build-control-plane
HERE=$(cd "$(dirname "$0")" && pwd)
readonly HERE
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"

# Runs go with the module and build caches kept under the e2e cache directory, the
# toolchain pinned to the one installed, and static, reproducible output.
gorun() {
  env GOMODCACHE="$CACHE_DIR/go/mod" GOCACHE="$CACHE_DIR/go/build" \
    GOFLAGS="-mod=mod -modcacherw" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off \
    go "$@"
}

require_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go toolchain not found on PATH; install Go 1.26 or newer to build the control plane (or run against an existing cluster with E2E_USE_EXISTING=1 and KUBECONFIG)"
}

# True when Go version A (1.26.0 or go1.26.8) is at least B.
version_ge() {
  local a=${1#go} b=${2#go}
  [ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n 1)" = "$b" ]
}

# Prints one field of the JSON that `go list -m -json` prints.
json_field() {
  sed -n "s/^[[:space:]]*\"$1\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" | head -n 1
}

# Resolves MODULE@VERSION through the module proxy; prints the JSON description.
module_info() {
  local mod=$1 err out
  err=$(mktemp)
  if ! out=$(gorun list -m -json "$mod" 2>"$err"); then
    local reason
    reason=$(grep -v '^[[:space:]]*$' "$err" | tail -n 1 | sed 's/^[[:space:]]*//')
    rm -f "$err"
    die "cannot resolve $mod through the Go module proxy (GOPROXY=$(go env GOPROXY)): ${reason:-no answer}"
  fi
  rm -f "$err"
  printf '%s\n' "$out"
}

# Writes a wrapper go.mod that builds k8s.io/kubernetes at K8S_VERSION: upstream maps its
# staging modules to ./staging with replace directives, which a dependent module ignores,
# so each one is replaced here by the k8s.io/<m> v0.Y.Z tag published for the release.
write_k8s_wrapper() {
  local dir=$1 upstream_mod=$2 go_line=$3 staging_version="v0.${K8S_VERSION#v1.}" mods
  mods=$(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$upstream_mod")
  [ -n "$mods" ] || die "found no staging modules in the go.mod of k8s.io/kubernetes@$K8S_VERSION"
  {
    printf 'module mtasts.e2e/kubernetes-build\n\ngo %s\n\n' "$go_line"
    # Upstream's godebug settings change runtime behaviour; keep them identical.
    awk '/^godebug \(/ { block = 1 } block || /^godebug / { print } block && /^\)/ { block = 0 }' "$upstream_mod"
    printf '\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
    local m
    for m in $mods; do
      printf '\t%s => %s %s\n' "$m" "$m" "$staging_version"
    done
    printf ')\n'
  } >"$dir/go.mod"
  say "wrapper module replaces $(printf '%s\n' "$mods" | wc -l) staging modules with $staging_version"
}

build_k8s() {
  local info upstream_mod go_line build_time work log ldflags pkg tmp
  say "building kube-apiserver, kube-controller-manager and kubectl $K8S_VERSION (cold: about 25 minutes on 2 cores)"
  info=$(module_info "k8s.io/kubernetes@$K8S_VERSION")
  upstream_mod=$(json_field GoMod <<<"$info")
  go_line=$(json_field GoVersion <<<"$info")
  build_time=$(json_field Time <<<"$info")
  [ -f "$upstream_mod" ] || die "the Go module proxy gave no go.mod for k8s.io/kubernetes@$K8S_VERSION"
  version_ge "$(go env GOVERSION)" "$go_line" ||
    die "kubernetes $K8S_VERSION needs Go $go_line or newer; found $(go env GOVERSION)"

  work=$(mktemp -d "$CACHE_DIR/work/kubernetes.XXXXXX")
  log="$CACHE_DIR/logs/build-kubernetes-$K8S_VERSION.log"
  write_k8s_wrapper "$work" "$upstream_mod" "$go_line"

  local minor=${K8S_VERSION#v1.}
  minor=${minor%%.*}
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=archive -X $pkg.buildDate=$build_time"
  done

  tmp="$work/bin"
  mkdir -p "$tmp"
  if ! (cd "$work" && gorun build -trimpath -ldflags "$ldflags" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl) >"$log" 2>&1; then
    show_log_tail "$log"
    rm -rf "$work"
    die "building kubernetes $K8S_VERSION failed: $(grep -v '^[[:space:]]*$' "$log" | tail -n 1) (log: $log)"
  fi
  install_bin_dir "$tmp" "$K8S_BIN_DIR" "$(k8s_stamp)" "$(go env GOVERSION)"
  rm -rf "$work"
}

build_etcd() {
  local info go_line work log tmp
  say "building etcd $ETCD_VERSION"
  info=$(module_info "go.etcd.io/etcd/server/v3@$ETCD_VERSION")
  go_line=$(json_field GoVersion <<<"$info")
  version_ge "$(go env GOVERSION)" "$go_line" ||
    die "etcd $ETCD_VERSION needs Go $go_line or newer; found $(go env GOVERSION)"

  work=$(mktemp -d "$CACHE_DIR/work/etcd.XXXXXX")
  log="$CACHE_DIR/logs/build-etcd-$ETCD_VERSION.log"
  tmp="$work/bin"
  mkdir -p "$tmp"
  # etcd's server go.mod carries replace directives as well; as a tool dependency of a
  # fresh module it resolves against the published etcd modules instead.
  if ! (cd "$work" &&
    gorun mod init mtasts.e2e/etcd-build &&
    gorun get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION" &&
    gorun build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" \
      -o "$tmp/etcd" go.etcd.io/etcd/server/v3) >"$log" 2>&1; then
    show_log_tail "$log"
    rm -rf "$work"
    die "building etcd $ETCD_VERSION failed: $(grep -v '^[[:space:]]*$' "$log" | tail -n 1) (log: $log)"
  fi
  install_bin_dir "$tmp" "$ETCD_BIN_DIR" "$(etcd_stamp)" "$(go env GOVERSION)"
  rm -rf "$work"
}

# Fetches the Gateway API module at GATEWAY_API_VERSION through the module proxy and keeps
# its standard-channel CRDs. Nothing is compiled: the module ships the CRD YAML in
# config/crd/standard. Its ValidatingAdmissionPolicy (vap_safeupgrades) is left out: it is no
# CRD, and only guards clusters against mixing channels.
fetch_gateway_api() {
  local info dir work log count
  say "fetching the Gateway API $GATEWAY_API_VERSION CRDs"
  log="$CACHE_DIR/logs/fetch-gateway-api-$GATEWAY_API_VERSION.log"
  work=$(mktemp -d "$CACHE_DIR/work/gateway-api.XXXXXX")
  if ! info=$(cd "$work" && gorun mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" 2>"$log"); then
    show_log_tail "$log"
    rm -rf "$work"
    die "cannot fetch sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION through the Go module proxy (GOPROXY=$(go env GOPROXY)): $(grep -v '^[[:space:]]*$' "$log" | tail -n 1) (log: $log)"
  fi
  dir=$(json_field Dir <<<"$info")
  [ -d "$dir/config/crd/standard" ] ||
    die "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION has no config/crd/standard directory"
  mkdir -p "$work/crds"
  find "$dir/config/crd/standard" -maxdepth 1 -name 'gateway.networking.k8s.io_*.yaml' \
    ! -name '*vap_*' -exec cp {} "$work/crds/" \;
  count=$(find "$work/crds" -name '*.yaml' | wc -l)
  [ -f "$work/crds/gateway.networking.k8s.io_httproutes.yaml" ] ||
    die "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION has no standard HTTPRoute CRD"
  install_bin_dir "$work/crds" "$GATEWAY_API_DIR" "$(gateway_api_stamp)" "$(go env GOVERSION)"
  rm -rf "$work"
  say "$count Gateway API CRDs in $GATEWAY_API_DIR"
}

# Moves freshly built binaries into place; the stamp is written last, so an interrupted
# build never looks complete.
install_bin_dir() {
  local from=$1 to=$2 stamp=$3 go_version=$4
  rm -rf "$to"
  mkdir -p "$(dirname "$to")"
  mv "$from" "$to"
  printf '%s\nbuilt with %s on %s\n' "$stamp" "$go_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$to/stamp"
}

cmd_build() {
  bin_dirs
  if k8s_cached && etcd_cached && gateway_api_cached; then
    say "binaries cached in $CACHE_DIR/bin (kubernetes $K8S_VERSION, etcd $ETCD_VERSION), Gateway API $GATEWAY_API_VERSION CRDs in $CACHE_DIR/crds"
    return 0
  fi
  require_go
  mkdir -p "$CACHE_DIR/work" "$CACHE_DIR/logs" "$CACHE_DIR/bin" "$CACHE_DIR/crds"
  # Two runs sharing the cache build once; the second waits and then finds the binaries.
  exec 9>"$CACHE_DIR/build.lock"
  if command -v flock >/dev/null 2>&1; then
    flock 9
  fi
  k8s_cached || build_k8s
  etcd_cached || build_etcd
  # a step of its own: a new Gateway API version never rebuilds the binaries
  gateway_api_cached || fetch_gateway_api
  exec 9>&-
  say "binaries ready in $CACHE_DIR/bin"
}

cmd_clean() {
  [ -d "$CACHE_DIR" ] || return 0
  # Not while a build uses the caches.
  exec 9>"$CACHE_DIR/build.lock"
  if command -v flock >/dev/null 2>&1; then
    flock 9
  fi
  rm -rf "${CACHE_DIR:?}/go" "${CACHE_DIR:?}/work"
  say "removed the Go module and build caches under $CACHE_DIR; the binaries stay"
}

cmd_versions() {
  bin_dirs
  printf 'kubernetes %s\netcd %s\ngateway-api %s\ncache %s\n' "$K8S_VERSION" "$ETCD_VERSION" "$GATEWAY_API_VERSION" "$CACHE_DIR"
  if k8s_cached; then printf 'kubernetes binaries %s\n' "$K8S_BIN_DIR"; else printf 'kubernetes binaries not built\n'; fi
  if etcd_cached; then printf 'etcd binary %s\n' "$ETCD_BIN_DIR"; else printf 'etcd binary not built\n'; fi
  if gateway_api_cached; then printf 'gateway-api crds %s\n' "$GATEWAY_API_DIR"; else printf 'gateway-api crds not fetched\n'; fi
}
usage() {
  cat <<USAGE
usage: $0 COMMAND
  build            build the binaries into $CACHE_DIR/bin unless already cached
  versions         print the versions and where the binaries are
  clean            remove the Go module and build caches (several GB), keep the binaries
USAGE
}

main() {
  local cmd=${1:-}
  [ "$#" -gt 0 ] && shift
  case $cmd in
    build) cmd_build ;;
    versions) cmd_versions ;;
    clean) cmd_clean ;;
    -h | --help | help) usage ;;
    *) die "unknown command '$cmd' (see $0 --help)" ;;
  esac
}

main "$@"
