#!/usr/bin/env bash
# Shared mode of bench/run.sh (BENCH_MODE=shared; its header lists the settings): builds the
# jars, installs wrk and nginx from Debian's packages when missing, starts the real control plane
# of e2e/control-plane.sh with an audit log of writes, and runs
# io.mtasts.operator.bench.scale.SharedScaleBenchmark in it. Everything started is stopped: the
# control plane by control-plane.sh's trap, the operator, servers and nginx by the benchmark.
# Ends with one line: RESULT mode=shared apiserver=real crs=N ...
set -euo pipefail
cd "$(dirname "$0")/.."

case "${BENCH_APISERVER:-real}" in
  real) ;;
  *) echo "BENCH_MODE=shared runs on a real API server (impersonation and RBAC are part of what" \
       "it measures); BENCH_APISERVER='${BENCH_APISERVER}' is not supported" >&2; exit 2 ;;
esac

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx-light)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing ${missing[*]} (apt-get install -y) ..." >&2
  apt-get install -y "${missing[@]}" >&2 ||
    { echo "wrk and nginx are required: apt-get install -y wrk nginx-light" >&2; exit 2; }
fi

jar=bench/target/scale-benchmark.jar
if [[ "${BENCH_NO_BUILD:-}" != 1 || ! -f "$jar" || ! -f operator/target/mta-sts-operator.jar ]]; then
  echo "building the operator and the benchmark (mvn -P bench -pl bench -am package) ..." >&2
  # shellcheck disable=SC2086  # MVN_ARGS is a word list
  mvn -B -q -P bench -pl bench -am package -DskipTests ${MVN_ARGS:-} >&2
fi

echo "machine: $(nproc) CPUs, $(free -m | awk '/^Mem:/ {print $2 " MiB memory"}'), $(uptime | sed 's/.*load/load/')" >&2
out=${BENCH_OUT:-bench/target/shared-run}
rm -rf "$out"
mkdir -p "$out"
# the run's own copy of the jar, so that a build meanwhile does not change what runs
cp operator/target/mta-sts-operator.jar "$out/mta-sts-operator.jar"
export BENCH_OPERATOR_JAR=$out/mta-sts-operator.jar
export BENCH_OUT=$out
crs=${BENCH_CRS:-10000}
bench=(java "-Xmx${BENCH_DRIVER_HEAP:-1g}" -XX:+UseParallelGC -cp "$jar"
  io.mtasts.operator.bench.scale.SharedScaleBenchmark)

status=0
if [[ "${BENCH_USE_EXISTING:-}" == 1 ]]; then
  timeout --kill-after=30 "${BENCH_DEADLINE:-3600}" "${bench[@]}" || status=$?
else
  # writes at the Metadata level: who wrote what, counted by the API server itself
  audit_dir=$(mktemp -d)
  trap 'rm -rf "$audit_dir"' EXIT
  cat >"$audit_dir/policy.yaml" <<'POLICY'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived", "ResponseStarted"]
rules:
  - level: Metadata
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
  - level: None
POLICY
  export BENCH_AUDIT_LOG=$audit_dir/audit.log
  export E2E_APISERVER_FLAGS="--audit-policy-file=$audit_dir/policy.yaml --audit-log-path=$BENCH_AUDIT_LOG --audit-log-maxsize=0"
  timeout --kill-after=30 "${BENCH_DEADLINE:-3600}" \
    e2e/control-plane.sh run -- "${bench[@]}" || status=$?
fi
if [[ $status -eq 124 || $status -eq 137 ]]; then
  echo "the benchmark did not finish within ${BENCH_DEADLINE:-3600} s" >&2
  echo "RESULT mode=shared apiserver=real crs=$crs status=timeout"
fi
exit "$status"
