{{/* Names, labels and the values every template shares. */}}

{{- define "docuchat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's base name. Other parts of DocuChat (the scaffolder runbooks)
derive object names from it: <release>-portal, <release>-inference,
<release>-backups, <release>-secrets.
*/}}
{{- define "docuchat.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "docuchat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object; "component" names the part (portal, postgres, ...). */}}
{{- define "docuchat.labels" -}}
helm.sh/chart: {{ include "docuchat.chart" .root }}
{{ include "docuchat.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: docuchat
{{- end }}

{{- define "docuchat.selectorLabels" -}}
app.kubernetes.io/name: {{ include "docuchat.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "docuchat.portalName" -}}
{{- printf "%s-portal" (include "docuchat.fullname" .) }}
{{- end }}

{{- define "docuchat.postgresName" -}}
{{- printf "%s-postgres" (include "docuchat.fullname" .) }}
{{- end }}

{{- define "docuchat.redisName" -}}
{{- printf "%s-redis" (include "docuchat.fullname" .) }}
{{- end }}

{{- define "docuchat.inferenceName" -}}
{{- printf "%s-inference" (include "docuchat.fullname" .) }}
{{- end }}

{{- define "docuchat.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "docuchat.portalName" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the portal's secrets: the chart's own or existingSecret. */}}
{{- define "docuchat.secretName" -}}
{{- default (printf "%s-secrets" (include "docuchat.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/* The Secret and key holding the database password. */}}
{{- define "docuchat.databasePasswordSecretName" -}}
{{- if and .Values.database.external.enabled .Values.database.external.existingSecret }}
{{- .Values.database.external.existingSecret }}
{{- else }}
{{- include "docuchat.secretName" . }}
{{- end }}
{{- end }}

{{- define "docuchat.databasePasswordSecretKey" -}}
{{- if and .Values.database.external.enabled .Values.database.external.existingSecret }}
{{- .Values.database.external.passwordKey }}
{{- else }}
{{- "postgres-password" }}
{{- end }}
{{- end }}

{{- define "docuchat.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "docuchat.databaseHost" -}}
{{- if .Values.database.external.enabled }}
{{- .Values.database.external.host }}
{{- else }}
{{- include "docuchat.postgresName" . }}
{{- end }}
{{- end }}

{{- define "docuchat.databasePort" -}}
{{- if .Values.database.external.enabled }}
{{- .Values.database.external.port }}
{{- else }}
{{- 5432 }}
{{- end }}
{{- end }}

{{- define "docuchat.databaseUser" -}}
{{- if .Values.database.external.enabled }}
{{- .Values.database.external.user }}
{{- else }}
{{- .Values.database.bundled.user }}
{{- end }}
{{- end }}

{{/*
The "restricted" Pod Security Standard for a container: no privilege
escalation, every capability dropped, non-root, read-only root filesystem,
seccomp RuntimeDefault. Values may add to it, never loosen what the policy
tests check.
*/}}
{{- define "docuchat.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Pod-level security context: a numeric non-root user (uid) and fsGroup. */}}
{{- define "docuchat.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Environment every container that talks to PostgreSQL gets (libpq names). */}}
{{- define "docuchat.pgEnv" -}}
- name: PGHOST
  value: {{ include "docuchat.databaseHost" . | quote }}
- name: PGPORT
  value: {{ include "docuchat.databasePort" . | quote }}
- name: PGUSER
  value: {{ include "docuchat.databaseUser" . | quote }}
- name: PGDATABASE
  value: {{ .Values.database.name | quote }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "docuchat.databasePasswordSecretName" . }}
      key: {{ include "docuchat.databasePasswordSecretKey" . }}
{{- if and .Values.database.external.enabled .Values.database.external.sslMode }}
- name: PGSSLMODE
  value: {{ .Values.database.external.sslMode | quote }}
{{- end }}
{{- end }}
