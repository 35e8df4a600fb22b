{{/*
The API permissions the operator needs: the only list of RBAC rules in this chart. Every Role and
ClusterRole takes its rules from here, so the two RBAC modes cannot grant different things.

Each rule names the scope it is granted in:
  watched  where MtaStsPolicy resources live: one ClusterRole when watchNamespaces is empty,
           otherwise a Role in each watched namespace
  cluster  cluster-scoped APIs: always a ClusterRole
  lease    the leader-election Lease: a Role in the release namespace
  all      cluster-scoped APIs needed only when watching all namespaces: added to the watched
           ClusterRole (shared policy servers' ClusterRoles; an operator watching some
           namespaces holds no cluster-wide access it could grant)
  gatewayApi  added to the watched rules only when gatewayApi.enabled
*/}}
{{- define "mta-sts-operator.rbacRules" -}}
- scope: watched
  apiGroups: ["mtasts.io"]
  resources: ["mtastspolicies"]
  verbs: ["get", "list", "watch", "patch"]
- scope: watched
  apiGroups: ["mtasts.io"]
  resources: ["mtastspolicies/status"]
  verbs: ["patch", "update"]
- scope: watched
  apiGroups: [""]
  resources: ["configmaps", "services"]
  verbs: ["get", "list", "watch", "create", "patch", "update"]
- scope: watched
  apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "update"]
- scope: watched
  apiGroups: ["networking.k8s.io"]
  resources: ["ingresses"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- scope: watched
  apiGroups: ["cert-manager.io"]
  resources: ["certificates"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- scope: watched
  apiGroups: ["externaldns.k8s.io"]
  resources: ["dnsendpoints"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- scope: watched
  apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  verbs: ["get", "list", "watch"]
- scope: watched
  apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
- scope: watched
  apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
- scope: watched
  apiGroups: ["mtasts.io"]
  resources: ["mtastspolicyservers"]
  verbs: ["get", "list", "watch", "patch", "update"]
- scope: watched
  apiGroups: ["mtasts.io"]
  resources: ["mtastspolicyservers/status"]
  verbs: ["patch", "update"]
- scope: watched
  apiGroups: ["mtasts.io"]
  resources: ["mtastspolicies"]
  verbs: ["list"]
- scope: watched
  apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["get", "create", "update"]
- scope: watched
  apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "create", "update", "delete"]
- scope: watched
  apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "list", "create", "update", "delete"]
- scope: all
  apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["clusterroles", "clusterrolebindings"]
  verbs: ["get", "create", "update", "delete"]
- scope: gatewayApi
  apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes", "listenersets", "referencegrants"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- scope: cluster
  apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get"]
- scope: cluster
  apiGroups: [""]
  resources: ["namespaces"]
  verbs: ["get"]
- scope: lease
  apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "create", "update"]
{{- end }}

{{/*
The rules of one scope as a YAML list, ready for a "rules:" field.
Usage: include "mta-sts-operator.rbacRulesFor" "watched"
*/}}
{{- define "mta-sts-operator.rbacRulesFor" -}}
{{- $scope := . }}
{{- $rules := list }}
{{- range (include "mta-sts-operator.rbacRules" . | fromYamlArray) }}
{{- if eq .scope $scope }}
{{- $rules = append $rules (omit . "scope") }}
{{- end }}
{{- end }}
{{- if not $rules }}
{{- fail (printf "no RBAC rules with scope %q" $scope) }}
{{- end }}
{{- toYaml $rules }}
{{- end }}
