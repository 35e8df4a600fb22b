{{/*
Names, labels, the image reference and the CA bundle volume: what several templates share.
*/}}

{{- define "mta-sts-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Resource names: the release name, suffixed with the chart name unless it already contains it.
Truncated to 63 characters because some name fields are DNS labels.
*/}}
{{- define "mta-sts-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "mta-sts-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mta-sts-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mta-sts-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "mta-sts-operator.labels" -}}
helm.sh/chart: {{ include "mta-sts-operator.chart" . }}
{{ include "mta-sts-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mta-sts-operator
{{- end }}

{{- define "mta-sts-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "mta-sts-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "mta-sts-operator.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
Where the extra CA bundle is mounted; the file name is fixed so MTASTS_CA_FILE does not depend on
the key the bundle has in its Secret or ConfigMap.
*/}}
{{- define "mta-sts-operator.caBundleDir" -}}
/etc/mta-sts-operator/ca
{{- end }}

{{- define "mta-sts-operator.caBundleFile" -}}
ca-bundle.pem
{{- end }}

{{/*
The volume source of the extra CA bundle, or nothing when none is configured.
*/}}
{{- define "mta-sts-operator.caBundleVolumeSource" -}}
{{- $secret := .Values.caBundle.secret }}
{{- $configMap := .Values.caBundle.configMap }}
{{- if and $secret.name $configMap.name }}
{{- fail "caBundle: set caBundle.secret.name or caBundle.configMap.name, not both" }}
{{- end }}
{{- if $secret.name }}
secret:
  secretName: {{ $secret.name }}
  items:
    - key: {{ $secret.key }}
      path: {{ include "mta-sts-operator.caBundleFile" . }}
{{- else if $configMap.name }}
configMap:
  name: {{ $configMap.name }}
  items:
    - key: {{ $configMap.key }}
      path: {{ include "mta-sts-operator.caBundleFile" . }}
{{- end }}
{{- end }}
