#!/usr/bin/env bash
# Checks with kubectl that the cluster in KUBECONFIG does what the operator's end-to-end
# tests rely on: namespaces and their deletion, a CRD whose CEL rule rejects an invalid
# object, server-side apply, garbage collection of owned objects, Leases and RBAC.
# Works against the local control plane and against any other cluster (kind, ...).
set -euo pipefail

readonly PROG=smoke
readonly KUBECTL=${MTASTS_E2E_KUBECTL:-kubectl}
readonly WAIT_S=${E2E_SMOKE_TIMEOUT:-60}
readonly CRD=smokechecks.e2e.mtasts.io
NS="mtasts-smoke-$(date +%s)-$RANDOM"
readonly NS
PASSED=0
FAILED=0

die() {
  printf '%s: %s\n' "$PROG" "$*" >&2
  exit 1
}

[ -n "${KUBECONFIG:-}" ] || die "KUBECONFIG is not set; point it at the cluster to check"
command -v "$KUBECTL" >/dev/null 2>&1 || die "kubectl not found ($KUBECTL); build it with e2e/control-plane.sh build or put one on PATH"

k() { "$KUBECTL" --request-timeout=20s "$@"; }

# Runs one named check; its output is shown only when it fails.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    PASSED=$((PASSED + 1))
    printf 'ok     %s\n' "$name"
  else
    FAILED=$((FAILED + 1))
    printf 'FAILED %s\n' "$name"
    printf '%s\n' "$out" | tail -n 15 | sed 's/^/       | /'
  fi
}

# Polls COMMAND until it succeeds or WAIT_S seconds pass.
eventually() {
  local deadline=$((SECONDS + WAIT_S))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      printf 'still failing after %ss: %s\n' "$WAIT_S" "$*"
      "$@" 2>&1 || true
      return 1
    fi
    sleep 0.5
  done
}

cleanup() {
  k delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  k delete customresourcedefinition "$CRD" --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

namespace_active() {
  k create namespace "$NS" >/dev/null
  [ "$(k get namespace "$NS" -o jsonpath='{.status.phase}')" = Active ]
}

apply_crd() {
  k apply --server-side --field-manager=mtasts-smoke -f - <<EOF
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: $CRD
spec:
  group: e2e.mtasts.io
  scope: Namespaced
  names:
    kind: SmokeCheck
    listKind: SmokeCheckList
    plural: smokechecks
    singular: smokecheck
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [mode, maxAgeSeconds]
              x-kubernetes-validations:
                - rule: "self.mode != 'enforce' || self.maxAgeSeconds >= 86400"
                  message: "maxAgeSeconds must be at least 86400 when mode is enforce"
              properties:
                mode:
                  type: string
                  enum: [testing, enforce, none]
                maxAgeSeconds:
                  type: integer
                  minimum: 0
EOF
  k wait --for=condition=Established --timeout="${WAIT_S}s" "customresourcedefinition/$CRD"
}

smoke_check() { # name mode maxAgeSeconds
  cat <<EOF
apiVersion: e2e.mtasts.io/v1
kind: SmokeCheck
metadata:
  name: $1
  namespace: $NS
spec:
  mode: $2
  maxAgeSeconds: $3
EOF
}

apply_valid_object() {
  smoke_check valid enforce 604800 | k apply --server-side --field-manager=mtasts-smoke -f -
}

# A freshly established CRD can take a moment to be served for writes; retry the first.
valid_object_accepted() {
  eventually apply_valid_object
  [ "$(k -n "$NS" get smokecheck valid -o jsonpath='{.spec.maxAgeSeconds}')" = 604800 ]
}

invalid_object_rejected() {
  local out
  if out=$(smoke_check invalid enforce 300 | k apply --server-side --field-manager=mtasts-smoke -f - 2>&1); then
    printf 'the API server accepted an object that breaks the CEL rule:\n%s\n' "$out"
    return 1
  fi
  grep -q 'maxAgeSeconds must be at least 86400 when mode is enforce' <<<"$out" || {
    printf 'rejected, but not by the CEL rule:\n%s\n' "$out"
    return 1
  }
}

configmap_gone() {
  local out
  out=$(k -n "$NS" get configmap owned -o name --ignore-not-found) && [ -z "$out" ]
}

owned_object_collected() {
  local uid
  k -n "$NS" create configmap owner --from-literal=role=owner >/dev/null
  uid=$(k -n "$NS" get configmap owner -o jsonpath='{.metadata.uid}')
  [ -n "$uid" ]
  k apply --server-side --field-manager=mtasts-smoke -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: owned
  namespace: $NS
  ownerReferences:
    - apiVersion: v1
      kind: ConfigMap
      name: owner
      uid: $uid
data:
  role: owned
EOF
  k -n "$NS" get configmap owned >/dev/null
  k -n "$NS" delete configmap owner --wait=true
  eventually configmap_gone
}

lease_created() {
  k apply --server-side --field-manager=mtasts-smoke -f - <<EOF
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: mta-sts-operator-smoke
  namespace: $NS
spec:
  holderIdentity: smoke-$$
  leaseDurationSeconds: 15
EOF
  [ "$(k -n "$NS" get lease mta-sts-operator-smoke -o jsonpath='{.spec.holderIdentity}')" = "smoke-$$" ]
}

rbac_denies_unbound_serviceaccount() {
  local out
  k -n "$NS" create serviceaccount nobody >/dev/null
  if out=$(k -n "$NS" get configmaps --as="system:serviceaccount:$NS:nobody" 2>&1); then
    printf 'a ServiceAccount without bindings could list ConfigMaps:\n%s\n' "$out"
    return 1
  fi
  grep -q Forbidden <<<"$out"
}

namespace_gone() {
  local out
  out=$(k get namespace "$NS" -o name --ignore-not-found) && [ -z "$out" ]
}

namespace_deleted() {
  k delete namespace "$NS" --wait=false >/dev/null
  eventually namespace_gone
}

printf 'checking the cluster of %s (namespace %s)\n' "$KUBECONFIG" "$NS"
check "namespace created and Active" namespace_active
check "CRD with a CEL rule established" apply_crd
check "valid custom object accepted (server-side apply)" valid_object_accepted
check "invalid custom object rejected by the CEL rule" invalid_object_rejected
check "owned ConfigMap garbage-collected after its owner is deleted" owned_object_collected
check "Lease created" lease_created
check "RBAC denies a ServiceAccount without bindings" rbac_denies_unbound_serviceaccount
check "namespace deletion completes" namespace_deleted
printf 'smoke: %d passed, %d failed\n' "$PASSED" "$FAILED"
[ "$FAILED" -eq 0 ]
