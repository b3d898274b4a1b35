{{/* The portal's environment: database, cache and secrets (portal and migration Job). */}}
{{- define "docuchat.portalEnv" -}}
{{- $secret := include "docuchat.secretName" . -}}
- name: HOME
  value: /tmp
- name: POSTGRES_HOST
  value: {{ include "docuchat.databaseHost" . | quote }}
- name: POSTGRES_PORT
  value: {{ include "docuchat.databasePort" . | quote }}
- name: POSTGRES_USER
  value: {{ include "docuchat.databaseUser" . | quote }}
- name: POSTGRES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "docuchat.databasePasswordSecretName" . }}
      key: {{ include "docuchat.databasePasswordSecretKey" . }}
{{- if and .Values.database.external.enabled .Values.database.external.sslMode }}
- name: PGSSLMODE
  value: {{ .Values.database.external.sslMode | quote }}
{{- end }}
{{- if .Values.redis.bundled.enabled }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: redis-password
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s:6379" (include "docuchat.redisName" .) | quote }}
{{- else if and .Values.redis.external.enabled .Values.redis.external.existingSecret }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.external.existingSecret }}
      key: {{ .Values.redis.external.urlKey }}
{{- else if .Values.redis.external.enabled }}
- name: REDIS_URL
  value: {{ .Values.redis.external.url | quote }}
{{- end }}
- name: BACKEND_AUTH_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: backend-auth-key
- name: DOCUCHAT_METRICS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: metrics-token
{{- range $env, $key := dict "OPENAI_API_KEY" "openai-api-key" "ZIBAL_MERCHANT" "zibal-merchant" "SMTP_PASSWORD" "smtp-password" }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- with .Values.portal.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The backend's command: the image's configs, then the chart's. */}}
{{- define "docuchat.portalArgs" -}}
- node
- packages/backend
- --config
- app-config.yaml
- --config
- app-config.production.yaml
- --config
- /app/config/app-config.chart.yaml
{{- end }}
