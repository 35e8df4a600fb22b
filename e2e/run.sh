#!/usr/bin/env bash
# Runs the end-to-end suite against a real control plane on 127.0.0.1: builds the
# binaries if the cache lacks them, starts etcd, kube-apiserver and
# kube-controller-manager, runs the suite with KUBECONFIG exported, stops everything (also
# on failure) and exits with the suite's status.
#
#   e2e/run.sh            the suite: $E2E_SUITE_CMD, by default `mvn -B -Pe2e verify`,
#                         run from the repository root
#   e2e/run.sh --smoke    e2e/smoke.sh instead of the suite: kubectl checks that the
#                         control plane works
#
# With E2E_USE_EXISTING=1 and KUBECONFIG set, nothing is built or started: the suite runs
# against that cluster (a kind cluster on a laptop, for example).
set -euo pipefail

readonly PROG=run
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
readonly HERE ROOT
SUITE_CMD=${E2E_SUITE_CMD:-mvn -B -Pe2e verify}

die() {
  printf '%s: %s\n' "$PROG" "$*" >&2
  exit 1
}

usage() {
  sed -n '2,14s/^# \{0,1\}//p' "$0"
}

smoke=0
while [ "$#" -gt 0 ]; do
  case $1 in
    --smoke) smoke=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see $0 --help)" ;;
  esac
  shift
done

if [ "$smoke" = 1 ]; then
  suite=("$HERE/smoke.sh")
else
  suite=(bash -c "$SUITE_CMD")
fi

cd "$ROOT"

if [ "${E2E_USE_EXISTING:-0}" = 1 ]; then
  [ -n "${KUBECONFIG:-}" ] || die "E2E_USE_EXISTING=1 needs KUBECONFIG pointing at the cluster to test"
  export KUBECONFIG MTASTS_E2E_CLUSTER=existing
  printf '%s: running against the existing cluster of %s\n' "$PROG" "$KUBECONFIG" >&2
  exec "${suite[@]}"
fi

export MTASTS_E2E_CLUSTER=local
exec "$HERE/control-plane.sh" run -- "${suite[@]}"
