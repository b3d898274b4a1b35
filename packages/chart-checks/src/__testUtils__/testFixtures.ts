import { chartCopy } from './helm';

/**
 * Values that turn on every optional part of the chart (GPU inference,
 * Prometheus Operator objects), on top of the defaults.
 */
export const everythingOn = {
  inference: { enabled: true },
  monitoring: {
    serviceMonitor: { enabled: true },
    prometheusRule: { enabled: true },
    grafanaDashboards: { enabled: true },
  },
};

/** A small rule file in the monitoring issue's format (a rule file's groups). */
export const fixtureAlerts = `groups:
  - name: docuchat-availability
    rules:
      - record: docuchat:http_requests:rate5m
        expr: sum(rate(http_request_duration_seconds_count[5m]))
      - alert: DocuChatHighErrorRate
        expr: sum(rate(http_request_duration_seconds_count{status=~"5.."}[5m])) / sum(rate(http_request_duration_seconds_count[5m])) > 0.05
        for: 10m
        labels:
          severity: critical
        annotations:
          summary: "5xx above 5 % on {{ $labels.route }}"
  - name: docuchat-billing
    rules:
      - alert: DocuChatBillingRunMissed
        expr: time() - docuchat_billing_last_success_timestamp_seconds > 26 * 3600
        labels:
          severity: warning
`;

/**
 * A chart copy with alert rules and a dashboard in files/, as the monitoring
 * checks put them there, so the PrometheusRule and dashboard ConfigMaps are
 * tested whether or not the real files exist yet.
 */
export function chartWithMonitoringFiles(): string {
  return chartCopy({
    'files/prometheus/alerts.yml': fixtureAlerts,
    'files/grafana/fixture-overview.json': JSON.stringify({
      title: 'Fixture overview',
      uid: 'fixture-overview',
      panels: [],
    }),
  });
}
