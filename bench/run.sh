#!/usr/bin/env bash
# The scale benchmark: the operator reconciling, resyncing and holding BENCH_CRS policies against
# the in-process mock API server (or the cluster of KUBECONFIG, with server-side apply), and the
# live verifier checking BENCH_VERIFY_DOMAINS domains against local DNS and HTTPS servers. Builds
# what it needs, prints a table, and ends with one line: RESULT key=value ...
#
#   bench/run.sh                         1,000 policies, 1,000 domains, concurrency 32
#   BENCH_CRS=200 bench/run.sh           fewer (BENCH_VERIFY_DOMAINS follows unless set)
#   BENCH_SKIP=verify bench/run.sh       only the operator (or BENCH_SKIP=operator)
#   BENCH_JFR=1 bench/run.sh             also record a JFR profile to bench/target/scale.jfr
#   BENCH_HEAP=384m                      the operator JVM's -Xmx (default 384m)
#   BENCH_GC=serial                      its collector: serial (default, as in the chart's pod),
#                                        g1 or parallel
#   BENCH_JAVA_OPTS=...                  more options for the operator JVM
#   MVN_ARGS=-o bench/run.sh             build offline
#   BENCH_DEBUG=1                        print a status whose content changed on the restart
#   KUBECONFIG=... bench/run.sh          against that cluster: a namespace mtasts-bench-* is
#                                        created and deleted, the CRD is applied and kept
#
# Shared mode (a shared MtaStsPolicyServer; see docs/performance.md):
#   BENCH_MODE=shared bench/run.sh       10,000 policies referencing one server, on the real API
#                                        server of e2e/control-plane.sh (started and stopped here,
#                                        with an audit log that counts the operator's writes); the
#                                        operator and two `serve` processes run the production jar
#                                        in JVMs of their own; wrk and nginx come from apt-get
#   BENCH_MODE=shared BENCH_CRS=200 bench/run.sh       smaller
#   BENCH_HANDOVER=bench                 no operator: the benchmark writes status.shared itself
#                                        (the server side and the API server alone)
#   BENCH_MODE=shared BENCH_USE_EXISTING=1 KUBECONFIG=... bench/run.sh
#                                        against that cluster instead (writes are not counted)
#   more: BENCH_CREATE_CONCURRENCY (16), BENCH_PROPAGATION_SAMPLES (50), BENCH_WRK_SECONDS (10),
#   BENCH_WRK_CONNECTIONS (64), BENCH_WRK_ROUNDS (2), BENCH_JFR=1 (profiles in bench/target/shared-run),
#   BENCH_OPERATOR_LOG_LEVEL (INFO), BENCH_OPERATOR_HEAP (384m, the chart's; 1g for 10,000)
#
# Exit status: 0 when every target was met, 1 when one was missed, 2 when the run failed.
# The run stops by itself: each phase waits at most BENCH_PHASE_TIMEOUT seconds (default 180;
# shared mode 180 + N/20), and the whole run is cut at BENCH_DEADLINE seconds (default 1200;
# shared mode 3600).
set -euo pipefail
cd "$(dirname "$0")/.."

jar=bench/target/scale-benchmark.jar
if [[ "${BENCH_MODE:-dedicated}" == shared ]]; then
  exec bench/shared.sh
fi
if [[ "${BENCH_NO_BUILD:-}" != 1 || ! -f "$jar" ]]; then
  echo "building the operator and the benchmark (mvn -P bench -pl bench -am package) ..." >&2
  # shellcheck disable=SC2086  # MVN_ARGS is a word list
  mvn -B -q -P bench -pl bench -am package -DskipTests ${MVN_ARGS:-} >&2
fi

# The operator's JVM as the chart runs it: a 512Mi memory limit with -XX:MaxRAMPercentage=75 is a
# 384 MiB heap, and below 1792 MB of memory the JVM chooses the serial collector by itself.
case "${BENCH_GC:-serial}" in
  serial) gc=-XX:+UseSerialGC ;;
  g1) gc=-XX:+UseG1GC ;;
  parallel) gc=-XX:+UseParallelGC ;;
  *) echo "BENCH_GC must be serial, g1 or parallel" >&2; exit 2 ;;
esac
jvm=(-Xmx"${BENCH_HEAP:-384m}" "$gc" -XX:+ExitOnOutOfMemoryError)
# shellcheck disable=SC2206  # BENCH_JAVA_OPTS is a word list
jvm+=(${BENCH_JAVA_OPTS:-})
if [[ "${BENCH_JFR:-}" == 1 ]]; then
  jvm+=(-XX:StartFlightRecording=filename=bench/target/scale.jfr,settings=profile)
fi

echo "machine: $(nproc) CPUs, $(free -m | awk '/^Mem:/ {print $2 " MiB memory"}'), $(uptime | sed 's/.*load/load/')" >&2
java -version 2>&1 | head -1 >&2

status=0
timeout --kill-after=10 "${BENCH_DEADLINE:-1200}" java "${jvm[@]}" -jar "$jar" || status=$?
if [[ $status -eq 124 || $status -eq 137 ]]; then
  echo "the benchmark did not finish within ${BENCH_DEADLINE:-1200} s" >&2
  echo "RESULT crs=${BENCH_CRS:-1000} status=timeout"
fi
exit "$status"
