{{/*
The production app-config the portal loads after the image's app-config.yaml
and app-config.production.yaml. Secrets are never written here: they stay
${ENV} references, filled from the Secret at start-up. Optional ones are
written ${NAME:-}: an empty value then leaves the key unset instead of "".
*/}}
{{- define "docuchat.appConfigBase" -}}
app:
  baseUrl: {{ .Values.portal.baseUrl | quote }}
backend:
  baseUrl: {{ .Values.portal.baseUrl | quote }}
  listen: {{ printf ":%d" (int .Values.portal.port) | quote }}
  lifecycle:
    # Keep serving while Kubernetes removes the pod from the endpoints.
    serverShutdownDelay:
      seconds: {{ .Values.portal.drainSeconds }}
  database:
    client: pg
    # One database, a schema per plugin: one pg_dump holds the whole portal.
    pluginDivisionMode: schema
    connection:
      database: {{ .Values.database.name | quote }}
      host: ${POSTGRES_HOST}
      port: ${POSTGRES_PORT}
      user: ${POSTGRES_USER}
      password: ${POSTGRES_PASSWORD}
      # TLS to an external database: node-postgres reads PGSSLMODE.
  cache:
    {{- if or .Values.redis.bundled.enabled .Values.redis.external.enabled }}
    store: redis
    connection: ${REDIS_URL}
    {{- else }}
    store: memory
    {{- end }}
  auth:
    externalAccess:
      - type: static
        options:
          token: ${BACKEND_AUTH_KEY}
          subject: {{ .Values.backendAuth.subject | quote }}
docuchat:
  openai:
    apiKey: ${OPENAI_API_KEY:-}
    {{- with .Values.openai.baseURL }}
    baseURL: {{ . | quote }}
    {{- end }}
  chat:
    models:
      - model: {{ .Values.openai.chatModel | quote }}
      {{- if .Values.inference.enabled }}
      # The in-cluster GPU model server answers when the first model fails.
      # It checks no key; a placeholder keeps the OpenAI key from being sent.
      - model: {{ .Values.inference.model | quote }}
        baseURL: {{ printf "http://%s:%d/v1" (include "docuchat.inferenceName" .) (int .Values.inference.port) | quote }}
        apiKey: in-cluster
      {{- end }}
  metrics:
    public: false
    bearerToken: ${DOCUCHAT_METRICS_TOKEN}
  billing:
    zibal:
      baseUrl: {{ .Values.billing.zibal.baseUrl | quote }}
      merchant: ${ZIBAL_MERCHANT:-}
    email:
      from: {{ .Values.billing.email.from | quote }}
      smtp:
        host: {{ .Values.billing.email.smtp.host | quote }}
        port: {{ .Values.billing.email.smtp.port }}
        secure: {{ .Values.billing.email.smtp.secure }}
        user: {{ .Values.billing.email.smtp.user | quote }}
        password: ${SMTP_PASSWORD:-}
    {{- with .Values.billing.prometheusUrl }}
    prometheus:
      url: {{ . | quote }}
    {{- end }}
{{- end }}

{{- define "docuchat.appConfig" -}}
{{- $base := include "docuchat.appConfigBase" . | fromYaml }}
{{- toYaml (mustMergeOverwrite $base (deepCopy .Values.portal.appConfig)) }}
{{- end }}
