#!/usr/bin/env bash
# Runs the fault scenarios against a real control plane on 127.0.0.1 (e2e/control-plane.sh):
# the operator's production jar (`run`) as a separate JVM, killed with SIGKILL at random
# moments while policies are created, changed, rolled out and retired, another client editing
# and deleting its children, and an object of another owner at a child's name; then, while
# the changes go on, the kube-apiserver stopped and started again, etcd stopped, the
# operator's watches resumed from a compacted history (410 Gone), and its requests throttled
# by API Priority and Fairness (429). An observer outside the operator checks the
# invariants. Ends with one line:
#
#   RESULT scenarios=N kills=K premature_ids=0 lost_children=0 duplicate_children=0 orphans=0
#          stuck=0 converge_p50_s=... converge_p99_s=... max_heap_mib=...
#
# and exits non-zero, naming the scenarios and the seed, when an invariant broke.
#
#   e2e/faults.sh [--kills K] [--seed S] [--policies P] [--restarts N] [--etcd-down S]
#                 [--throttle S] [--compaction S] [--timeout SECONDS]
#   e2e/faults.sh --leader [--rounds R] [--seed S] [--policies P]
#   e2e/faults.sh --soak [--minutes M] [--seed S] [--policies P]
#
#   --kills K        SIGKILLs of the operator (default 10; the full run uses 100)
#   --seed S         random seed (default: from the clock); printed, so a run can be repeated
#   --policies P     policies changed at random (default 4)
#   --restarts N     kube-apiserver restarts, and as many watch expiries (default 2; 0: none)
#   --etcd-down S    etcd stopped for S seconds (default 30; 0: not stopped)
#   --throttle S     the operator throttled by API Priority and Fairness for S seconds
#                    (default 60; 0: not throttled)
#   --compaction S   kube-apiserver's --etcd-compaction-interval (default 10)
#   --timeout S      the whole run is stopped after S seconds (default 300 + 20 per kill,
#                    plus the control plane faults' time)
#   --leader         instead: two replicas with leader election, the leader SIGKILLed or
#                    paused (SIGSTOP, then SIGCONT) in turn, R rounds (default 6)
#   --soak           instead: M minutes (default 30) of changes across P policies (default
#                    200), a SIGKILL every 2-4 minutes; heap after GC and threads sampled
#
# Builds the jar first when operator/target/mta-sts-operator.jar is missing. Logs (one per
# operator process, and the Maven output) stay in a temporary directory, printed at the end.
set -euo pipefail

readonly PROG=faults
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
readonly HERE ROOT

die() {
  printf '%s: %s\n' "$PROG" "$*" >&2
  exit 2
}

kills=10
seed=""
policies=""
restarts=2
etcd_down=30
throttle=60
compaction=10
limit=""
mode=sigkill
rounds=6
minutes=30
while [ "$#" -gt 0 ]; do
  case $1 in
    --kills) kills=${2:?--kills needs a number}; shift ;;
    --seed) seed=${2:?--seed needs a number}; shift ;;
    --policies) policies=${2:?--policies needs a number}; shift ;;
    --restarts) restarts=${2:?--restarts needs a number}; shift ;;
    --etcd-down) etcd_down=${2:?--etcd-down needs seconds}; shift ;;
    --throttle) throttle=${2:?--throttle needs seconds}; shift ;;
    --compaction) compaction=${2:?--compaction needs seconds}; shift ;;
    --timeout) limit=${2:?--timeout needs seconds}; shift ;;
    --leader) mode=leader ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --soak) mode=soak ;;
    --minutes) minutes=${2:?--minutes needs a number}; shift ;;
    -h | --help) sed -n '2,37s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see $0 --help)" ;;
  esac
  shift
done
[ -z "$policies" ] && { [ "$mode" = soak ] && policies=200 || policies=4; }
for v in kills policies restarts etcd_down throttle compaction rounds minutes; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v//_/-} must be a whole number, got '${!v}'"
done
[ "$policies" -ge 1 ] || die "--policies must be at least 1"
[ "$compaction" -ge 1 ] || die "--compaction must be at least 1 second"
[ -z "$seed" ] && seed=$(( (RANDOM << 30) | (RANDOM << 15) | RANDOM ))
[[ $seed =~ ^-?[0-9]+$ ]] || die "--seed must be a whole number, got '$seed'"
# an apiserver restart takes up to a minute on a loaded machine, a watch expiry two more
# compaction intervals
case $mode in
  leader) [ -z "$limit" ] && limit=$((600 + 120 * rounds)) ;;
  soak) [ -z "$limit" ] && limit=$((900 + 60 * minutes)) ;;
  *) [ -z "$limit" ] && limit=$((300 + 20 * kills + restarts * (180 + 2 * compaction) \
    + (etcd_down > 0 ? etcd_down + 120 : 0) + (throttle > 0 ? throttle + 120 : 0))) ;;
esac
[[ $limit =~ ^[0-9]+$ ]] || die "--timeout must be seconds, got '$limit'"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found on PATH"

LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mta-sts-faults.XXXXXX")
readonly LOG_DIR
case $mode in
  leader) echo "$PROG: leader scenarios, seed $seed, $rounds rounds, $policies policies, at most ${limit}s; logs in $LOG_DIR" ;;
  soak) echo "$PROG: soak, seed $seed, $minutes minutes, $policies policies, at most ${limit}s; logs in $LOG_DIR" ;;
  *) echo "$PROG: seed $seed, $kills kills, $policies policies, $restarts apiserver restarts and" \
    "watch expiries, etcd down ${etcd_down}s, throttled ${throttle}s, at most ${limit}s;" \
    "logs in $LOG_DIR" ;;
esac

# The operator JVMs are children of the test JVM; should that one be killed (timeout), its
# last operator is stopped here by the PID it recorded, after checking it is still that jar.
stop_leftovers() {
  local pid file
  for file in "$LOG_DIR"/operator*.pid; do
    [ -r "$file" ] || continue
    pid=$(cat "$file")
    if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null \
        | grep -q 'mta-sts-operator.jar run'; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}
trap stop_leftovers EXIT INT TERM

cd "$ROOT"
if [ ! -r operator/target/mta-sts-operator.jar ]; then
  echo "$PROG: building the jar (mvn -B -o package -DskipTests)"
  mvn -B -o -q package -DskipTests >"$LOG_DIR/build.log" 2>&1 \
    || die "building the jar failed (log: $LOG_DIR/build.log)"
fi

# The run is the test class FaultRun of the e2e test sources, by failsafe; no unit tests run.
suite="mvn -B -o -Pe2e verify -pl operator -am -Dtest=NoUnitTestsInTheFaultRun \
-Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FaultRun -Dfaults.seed=$seed \
-Dfaults.kills=$kills -Dfaults.policies=$policies -Dfaults.logDir=$LOG_DIR \
-Dfaults.restarts=$restarts -Dfaults.etcdDownSeconds=$etcd_down \
-Dfaults.throttleSeconds=$throttle -Dfaults.compactionSeconds=$compaction"
case $mode in
  leader) suite="${suite/-Dit.test=FaultRun/-Dit.test=LeaderFaultRun} -Dfaults.leaderRounds=$rounds" ;;
  soak) suite="${suite/-Dit.test=FaultRun/-Dit.test=SoakRun} -Dfaults.soakMinutes=$minutes" ;;
esac

# failsafe merges a new result into an existing summary: a failed earlier run would fail this one
rm -f operator/target/failsafe-reports/failsafe-summary.xml
rc=0
# etcd's history is compacted every few seconds (5 minutes by default), so that a watch
# resumed after a pause finds its resourceVersion gone; 30 seats in all (600 by default), so
# that the throttled priority level of one share gets one seat (the administrator the driver
# and the observer use is exempt)
MTASTS_E2E_CLUSTER=local E2E_APISERVER_FLAGS="--etcd-compaction-interval=${compaction}s \
--max-requests-inflight=20 --max-mutating-requests-inflight=10" \
  timeout -k 30 "$limit" \
  "$HERE/control-plane.sh" run -- bash -c "$suite" >"$LOG_DIR/run.log" 2>&1 || rc=$?
stop_leftovers

grep -E '^(SEED|VIOLATION|slow:|faults ended|observer:|fault:|skipped:|watch-expiry:|apf-throttle:|operator logs:|round )' \
  "$LOG_DIR/run.log" || true
result=$(grep -h '^RESULT ' "$LOG_DIR/result.txt" 2>/dev/null | tail -1 || true)
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
  echo "$PROG: the run did not finish within ${limit}s (seed $seed; log: $LOG_DIR/run.log)" >&2
elif [ "$rc" != 0 ]; then
  case $mode in
    leader) what="scenarios leader-sigkill, leader-sigstop; seed $seed (rerun: $0 --leader --rounds $rounds --policies $policies --seed $seed;" ;;
    soak) what="scenario soak; seed $seed (rerun: $0 --soak --minutes $minutes --policies $policies --seed $seed;" ;;
    *) what="scenarios sigkill, meddling-client, foreign-object, apiserver-restart, etcd-outage, watch-expiry, apf-throttle (as enabled); seed $seed (rerun: $0 --kills $kills --policies $policies --restarts $restarts --etcd-down $etcd_down --throttle $throttle --compaction $compaction --seed $seed;" ;;
  esac
  echo "$PROG: an invariant broke or the run failed: $what log: $LOG_DIR/run.log)" >&2
fi
if [ -n "$result" ]; then
  echo "$result"
else
  echo "RESULT none: the run ended before its result (exit $rc, seed $seed)"
  [ "$rc" != 0 ] || rc=1
fi
exit "$rc"
