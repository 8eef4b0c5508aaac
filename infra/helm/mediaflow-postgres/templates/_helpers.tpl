{{/* max_connections: the pooler's server connections, or every client's, plus the reserve. */}}
{{- define "mediaflow-postgres.maxConnections" -}}
{{- if .Values.pooler.enabled -}}
{{- add (mul .Values.pooler.instances .Values.pooler.defaultPoolSize) .Values.reservedConnections -}}
{{- else -}}
{{- add .Values.maxClientConnections .Values.reservedConnections -}}
{{- end -}}
{{- end -}}

{{- define "mediaflow-postgres.labels" -}}
app.kubernetes.io/part-of: mediaflow
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
