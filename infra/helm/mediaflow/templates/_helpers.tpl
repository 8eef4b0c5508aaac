{{/* Names and labels. */}}
{{- define "mediaflow.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mediaflow.labels" -}}
app.kubernetes.io/part-of: mediaflow
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* The selector of one app's pods: (dict "root" $ "app" "gateway"). */}}
{{- define "mediaflow.selector" -}}
app.kubernetes.io/name: {{ .app }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "mediaflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mediaflow.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image of one app: by digest when one is given, else by tag. */}}
{{- define "mediaflow.image" -}}
{{- $digest := get .root.Values.image.digests .app -}}
{{- if $digest -}}
{{- printf "%s/%s@%s" .root.Values.image.repository .app $digest -}}
{{- else -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .app (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "mediaflow.secretName" -}}
{{- default (printf "%s-secrets" (include "mediaflow.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "mediaflow.providersSecretName" -}}
{{- default (printf "%s-providers" (include "mediaflow.fullname" .)) .Values.providers.existingSecret -}}
{{- end -}}

{{/*
The task kinds each worker runs: fixed by its image (its handler factory), so
not a value. infra/test checks this list against the built workers.
*/}}
{{- define "mediaflow.workerKinds" -}}
video: [ingest, video, audio, thumbnails]
image: [image, nsfw]
subtitles: [speech, subtitles]
summary: [summary]
{{- end -}}

{{/* The NATS role each app connects as (values/nats.yaml gives each its permissions). */}}
{{- define "mediaflow.natsRole" -}}
{{- if hasPrefix "worker-" . -}}worker
{{- else if eq . "automation-registry" -}}registry
{{- else -}}{{ . }}
{{- end -}}
{{- end -}}

{{/*
The services' connections at their autoscaling maxima: the gateway's HPA
maximum and the others' replicas, each times its pool.
*/}}
{{- define "mediaflow.clientConnections" -}}
{{- $s := .Values.services -}}
{{- $pods := add $s.gateway.autoscaling.maxReplicas (index $s "automation-registry").replicas $s.scheduler.replicas -}}
{{- mul $pods .Values.database.poolSize -}}
{{- end -}}

{{/*
One app's pod template: (dict "root" $ "app" name "settings" values
"worker" bool "extraEnv" list "grace" seconds "preStop" seconds "database" bool
"secrets" bool "providers" bool "tmpSize" quantity).
*/}}
{{- define "mediaflow.podTemplate" -}}
{{- $root := .root -}}
{{- $values := $root.Values -}}
metadata:
  labels:
    {{- include "mediaflow.labels" $root | nindent 4 }}
    app.kubernetes.io/name: {{ .app }}
  annotations:
    # A changed setting or secret rolls the pods that read it.
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    checksum/secrets: {{ include (print $root.Template.BasePath "/secrets.yaml") $root | sha256sum }}
    prometheus.io/scrape: 'true'
    prometheus.io/port: '3000'
    prometheus.io/path: /metrics
spec:
  serviceAccountName: {{ include "mediaflow.serviceAccountName" $root }}
  # No pod calls the Kubernetes API: no token in any of them.
  automountServiceAccountToken: false
  {{- with $values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $values.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: {{ .grace }}
  {{- if $values.topologySpread }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "mediaflow.selector" . | nindent 10 }}
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "mediaflow.selector" . | nindent 10 }}
  {{- end }}
  {{- with $values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ .app }}
      image: {{ include "mediaflow.image" . }}
      imagePullPolicy: {{ $values.image.pullPolicy }}
      ports:
        - { name: http, containerPort: 3000 }
      envFrom:
        - configMapRef: { name: {{ include "mediaflow.fullname" $root }}-config }
        {{- if .secrets }}
        - secretRef: { name: {{ include "mediaflow.secretName" $root }} }
        {{- end }}
        {{- if .providers }}
        - secretRef: { name: {{ include "mediaflow.providersSecretName" $root }}, optional: true }
        {{- end }}
        {{- if and (eq $values.storage.type "s3") $values.storage.s3.existingSecret }}
        - secretRef: { name: {{ $values.storage.s3.existingSecret }} }
        {{- end }}
      env:
        {{- include "mediaflow.natsEnv" . | nindent 8 }}
        {{- if .database }}
        {{- include "mediaflow.databaseEnv" $root | nindent 8 }}
        - { name: DATABASE_POOL_SIZE, value: {{ $values.database.poolSize | quote }} }
        - { name: MEDIAFLOW_MIGRATE_ON_START, value: {{ (not $values.migrations.enabled) | quote }} }
        {{- end }}
        {{- if eq $values.storage.type "volume" }}
        - { name: MEDIAFLOW_DATA_DIR, value: /data }
        {{- end }}
        - { name: TMPDIR, value: /tmp }
        {{- with .extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- range $name, $value := .settings.env }}
        - { name: {{ $name }}, value: {{ $value | toString | quote }} }
        {{- end }}
      {{- if .preStop }}
      lifecycle:
        # Out of the Service's endpoints before the app stops taking requests.
        preStop:
          exec: { command: [sleep, {{ .preStop | quote }}] }
      {{- end }}
      readinessProbe:
        httpGet: { path: /ready, port: http }
        periodSeconds: 5
        failureThreshold: 3
      livenessProbe:
        httpGet: { path: /health, port: http }
        periodSeconds: 10
        failureThreshold: 6
      startupProbe:
        httpGet: { path: /health, port: http }
        periodSeconds: 2
        failureThreshold: 30
      resources:
        {{- $resources := deepCopy .settings.resources -}}
        {{- if .tmpSize -}}
        {{- $_ := set $resources.requests "ephemeral-storage" .tmpSize -}}
        {{- $_ := set (default (dict) $resources.limits) "ephemeral-storage" .tmpSize -}}
        {{- end }}
        {{- toYaml $resources | nindent 8 }}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: { drop: [ALL] }
      volumeMounts:
        - { name: tmp, mountPath: /tmp }
        {{- if eq $values.storage.type "volume" }}
        - { name: files, mountPath: /data }
        {{- end }}
        {{- if $values.nats.tls.enabled }}
        - { name: nats-ca, mountPath: /etc/mediaflow/nats-ca, readOnly: true }
        {{- end }}
  volumes:
    # Each attempt's scratch files (downloads, ffmpeg output) before they are stored.
    - name: tmp
      emptyDir: {{ if .tmpSize }}{ sizeLimit: {{ .tmpSize }} }{{ else }}{}{{ end }}
    {{- if eq $values.storage.type "volume" }}
    - name: files
      persistentVolumeClaim: { claimName: {{ include "mediaflow.filesClaim" $root }} }
    {{- end }}
    {{- if $values.nats.tls.enabled }}
    - name: nats-ca
      secret: { secretName: {{ required "nats.tls.caSecret is required with nats.tls.enabled" $values.nats.tls.caSecret }} }
    {{- end }}
{{- end -}}

{{- define "mediaflow.filesClaim" -}}
{{- default (printf "%s-files" (include "mediaflow.fullname" .)) .Values.storage.volume.existingClaim -}}
{{- end -}}

{{/* NATS credentials of one app's role, and the CA of a TLS connection. */}}
{{- define "mediaflow.natsEnv" -}}
{{- $values := .root.Values -}}
{{- if $values.nats.auth.enabled -}}
- { name: NATS_AUTH_REQUIRED, value: 'true' }
- { name: NATS_USER, value: {{ include "mediaflow.natsRole" .app }} }
- name: NATS_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ required "nats.auth.existingSecret is required with nats.auth.enabled" $values.nats.auth.existingSecret }}, key: {{ include "mediaflow.natsRole" .app }} }
{{- end }}
{{- if $values.nats.tls.enabled }}
- { name: NODE_EXTRA_CA_CERTS, value: /etc/mediaflow/nats-ca/ca.crt }
{{- end }}
{{- end -}}

{{/*
DATABASE_URL: the secret's URL as it is, or, through the pooler, one built
from the secret's username and password (Kubernetes expands $(VAR) from the
variables above it).
*/}}
{{- define "mediaflow.databaseEnv" -}}
{{- $db := .Values.database -}}
{{- if $db.poolerHost -}}
- name: DATABASE_USER
  valueFrom: { secretKeyRef: { name: {{ $db.existingSecret }}, key: username } }
- name: DATABASE_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ $db.existingSecret }}, key: password } }
- name: DATABASE_NAME
  valueFrom: { secretKeyRef: { name: {{ $db.existingSecret }}, key: dbname } }
- name: DATABASE_URL
  value: postgres://$(DATABASE_USER):$(DATABASE_PASSWORD)@{{ $db.poolerHost }}:5432/$(DATABASE_NAME)
{{- else -}}
- name: DATABASE_URL
  valueFrom: { secretKeyRef: { name: {{ required "database.existingSecret is required" $db.existingSecret }}, key: {{ $db.key }} } }
{{- end -}}
{{- end -}}

{{/* One service's migrations in the migrations Job: (dict "root" $ "app" name). */}}
{{- define "mediaflow.migrateContainer" -}}
{{- $values := .root.Values -}}
- name: migrate-{{ .app }}
  image: {{ include "mediaflow.image" . }}
  imagePullPolicy: {{ $values.image.pullPolicy }}
  command: [node, dist/migrate.js]
  env:
    - name: DATABASE_URL
      valueFrom: { secretKeyRef: { name: {{ $values.database.existingSecret }}, key: {{ $values.database.key }} } }
    - { name: LOG_LEVEL, value: {{ $values.config.LOG_LEVEL | default "info" | quote }} }
  resources:
    {{- toYaml $values.migrations.resources | nindent 4 }}
  securityContext:
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities: { drop: [ALL] }
{{- end -}}
