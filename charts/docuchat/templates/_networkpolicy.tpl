{{/* Egress rules the NetworkPolicies share. */}}

{{- define "docuchat.dnsEgress" -}}
# Cluster DNS.
- to:
    - namespaceSelector:
        {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 8 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end }}

{{- define "docuchat.httpsEgress" -}}
# HTTPS outside the cluster (NetworkPolicy cannot name hosts).
- to:
    {{- range .Values.networkPolicy.externalCidrs }}
    - ipBlock:
        cidr: {{ . }}
        except:
          {{- toYaml $.Values.networkPolicy.clusterCidrs | nindent 10 }}
    {{- end }}
  ports:
    - port: 443
      protocol: TCP
{{- end }}

{{- define "docuchat.databaseEgress" -}}
# PostgreSQL.
{{- if .Values.database.bundled.enabled }}
- to:
    - podSelector:
        matchLabels:
          {{- include "docuchat.selectorLabels" (dict "root" . "component" "postgres") | nindent 10 }}
  ports:
    - port: 5432
      protocol: TCP
{{- else }}
- to:
    {{- range .Values.networkPolicy.externalDatabaseCidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    - port: {{ .Values.database.external.port }}
      protocol: TCP
{{- end }}
{{- end }}

{{- define "docuchat.redisEgress" -}}
{{- if .Values.redis.bundled.enabled }}
# Redis (cache).
- to:
    - podSelector:
        matchLabels:
          {{- include "docuchat.selectorLabels" (dict "root" . "component" "redis") | nindent 10 }}
  ports:
    - port: 6379
      protocol: TCP
{{- else if .Values.redis.external.enabled }}
# Redis (cache).
- to:
    {{- range .Values.networkPolicy.externalRedis.cidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    - port: {{ .Values.networkPolicy.externalRedis.port }}
      protocol: TCP
{{- end }}
{{- end }}

{{/* What every process running the backend needs: DNS, database, cache, HTTPS. */}}
{{- define "docuchat.backendEgress" -}}
{{ include "docuchat.dnsEgress" . }}
{{ include "docuchat.databaseEgress" . }}
{{- with include "docuchat.redisEgress" . }}
{{ . }}
{{- end }}
{{ include "docuchat.httpsEgress" . }}
{{- end }}
