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
