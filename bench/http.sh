#!/usr/bin/env bash
# The HTTP layer of the shared policy server, measured: the JDK's com.sun.net.httpserver and
# Netty answer the same routes for BENCH_HOSTS policy hosts on 127.0.0.1, loaded by wrk over
# keep-alive connections, each request for another host, and nginx serving one static file is
# the yardstick. Prints RESULT lines per backend.
#
#   bench/http.sh                          10,000 hosts, 64 connections, 15 s per backend
#   BENCH_HOSTS=1000 BENCH_CONNECTIONS=16 BENCH_SECONDS=30 bench/http.sh
#   BENCH_SERVER_THREADS=2                 handler threads (JDK) or event loops (Netty)
#   BENCH_SLOW_CLIENTS=16                  each backend is measured twice: alone, then while this
#                                          many connections hold half a request line
#   BENCH_BACKENDS="netty jdk nginx"       which backends, in order
#   MVN_ARGS=-o bench/http.sh              build offline
#
# wrk comes from Debian's packages; it is installed when missing and apt-get can.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
  echo "installing wrk (apt-get install -y wrk) ..." >&2
  apt-get install -y wrk >&2 || { echo "wrk is required: apt-get install -y wrk" >&2; exit 2; }
fi
jar=bench/target/scale-benchmark.jar
if [[ "${BENCH_NO_BUILD:-}" != 1 || ! -f "$jar" ]]; then
  echo "building (mvn -P bench -pl bench -am package) ..." >&2
  # shellcheck disable=SC2086  # MVN_ARGS is a word list
  mvn -B -q -P bench -pl bench -am package -DskipTests ${MVN_ARGS:-} >&2
fi

hosts=${BENCH_HOSTS:-10000}
conns=${BENCH_CONNECTIONS:-64}
secs=${BENCH_SECONDS:-15}
threads=${BENCH_SERVER_THREADS:-$(nproc)}
slow_clients=${BENCH_SLOW_CLIENTS:-16}
echo "machine: $(nproc) CPUs, $(uptime | sed 's/.*load/load/')" >&2
java -version 2>&1 | head -1 >&2

for backend in ${BENCH_BACKENDS:-netty jdk nginx}; do
  out=$(mktemp)
  # nodelay: without it the JDK's server writes headers and body apart and waits on delayed ACKs
  # (about 40 ms an answer); Netty sets TCP_NODELAY itself
  java -Xmx128m -XX:+UseSerialGC -Dsun.net.httpserver.nodelay=true \
    -cp "$jar" io.mtasts.operator.bench.http.HttpServerBenchmark \
    "$backend" "$hosts" "$threads" >"$out" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    grep -q LISTENING "$out" && break
    sleep 0.2
  done
  port=$(awk '/LISTENING/ {print $2}' "$out")
  [[ -n "$port" ]] || { cat "$out" >&2; echo "the $backend server did not start" >&2; exit 2; }
  url="http://127.0.0.1:$port"
  # warm-up, so the JIT has compiled the request path before the measured run
  HOSTS=$hosts wrk -t1 -c"$conns" -d5s -s bench/http.lua "$url" >/dev/null
  for slow in 0 "$slow_clients"; do
    # slow clients: connections that sent half a request line and then nothing
    fds=()
    for _ in $(seq "$slow"); do
      exec {fd}<>"/dev/tcp/127.0.0.1/$port"
      printf 'GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-' >&"$fd"
      fds+=("$fd")
    done
    line=$(HOSTS=$hosts wrk -t1 -c"$conns" -d"${secs}s" -s bench/http.lua "$url" | grep '^WRK ')
    for fd in "${fds[@]}"; do exec {fd}>&-; done
    if [[ $backend == nginx ]]; then
      # the master and its workers, not the JVM that started them
      rss=$(ps -C nginx -o rss= | awk '{s += $1} END {print int(s / 1024)}')
    else
      rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
    fi
    # shellcheck disable=SC2086  # key=value words
    eval "$(echo "${line#WRK }" | tr ' ' '\n' | sed 's/^/w_/')"
    awk -v b="$backend" -v h="$hosts" -v c="$conns" -v s="$slow" -v r="$w_requests" \
        -v d="$w_duration_us" -v p50="$w_p50_us" -v p99="$w_p99_us" -v e="$w_errors" \
        -v n="$w_non2xx" -v rss="$rss" \
      'BEGIN { printf "RESULT server=%s hosts=%d connections=%d slow_clients=%d rps=%d p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d rss_mib=%d\n", b, h, c, s, r / (d / 1e6), p50 / 1000, p99 / 1000, e, n, rss }'
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$out"
done
