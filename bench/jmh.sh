#!/usr/bin/env bash
# Builds the JMH benchmarks jar (bench profile) and runs the protocol-core benchmarks with short
# settings, printing JMH's summary table at the end.
#
#   bench/jmh.sh                      all benchmarks
#   bench/jmh.sh parseStsRecord       only those whose name matches the regex
#   JMH_OPTS='-f 2 -wi 5 -i 10' bench/jmh.sh   longer runs
#   MVN_ARGS=-o bench/jmh.sh          build offline
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck disable=SC2086  # MVN_ARGS and JMH_OPTS are word lists
mvn -B -q -P bench -pl bench -am package -DskipTests ${MVN_ARGS:-}

# shellcheck disable=SC2086
exec java -jar bench/target/benchmarks.jar ${JMH_OPTS:--f 1 -wi 3 -i 5 -w 1s -r 1s} "$@"
