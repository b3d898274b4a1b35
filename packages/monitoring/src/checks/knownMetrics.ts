/**
 * Metrics the rules and dashboards may name besides what the DocuChat
 * backend exports (checked against a scrape of it) and what the rules
 * record themselves.
 */

/** kube-state-metrics and the kubelet's cAdvisor, as any cluster runs them. */
export const KUBERNETES_EXPORTER_METRICS = [
  'kube_pod_container_status_waiting_reason',
  'kube_pod_status_phase',
  'kube_pod_status_ready',
  'kube_pod_container_resource_limits',
  'kube_job_status_failed',
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
];

/**
 * Named by the billing issue (#11), exported once its branch is merged.
 * TO DELETE AT MERGE: after billing lands these must appear in the scrape
 * (the check fails while a name is listed here and exported too).
 */
export const EXPECTED_FROM_BILLING = [
  'docuchat_billing_runs_total',
  'docuchat_invoices',
  'docuchat_billed_rials_total',
  'docuchat_billing_last_success_timestamp_seconds',
  'docuchat_billing_drift_tokens',
];

/** The series names of a scraped exposition's families (`# TYPE` lines). */
export function seriesNamesOfExposition(text: string): Set<string> {
  const suffixes: Record<string, string[]> = {
    histogram: ['_bucket', '_sum', '_count'],
    summary: ['', '_sum', '_count'],
  };
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    for (const suffix of suffixes[type] ?? ['']) names.add(name + suffix);
  }
  return names;
}
