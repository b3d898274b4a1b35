import { MonitoringSettings } from '../settings';
import { Runbook, RUNBOOKS } from './runbooks';
import { sloRuleGroup, SliWindow } from './slo';
import { AlertingRule, RuleGroup, Severity } from './types';

/**
 * The latency target in seconds: the backend's histograms have a bucket
 * exactly here (LATENCY_TARGET_SECONDS in DocuchatMetrics.ts).
 */
export const LATENCY_TARGET = 2;

/** Routes no user waits for: Prometheus's own scrape. */
const SCRAPE_ROUTE = '/metrics';
/** The streamed answer: judged by its first token, not its whole duration. */
export const ASK_ROUTE = '/tenants/:tenantId/ask';

/** Every DocuChat alerting and recording rule, in Prometheus's rule file groups. */
export function docuchatRuleGroups(settings: MonitoringSettings): RuleGroup[] {
  const app = settings.backendSelector;
  const kube = settings.kubernetesSelector;
  const api = `${app}, route!="${SCRAPE_ROUTE}"`;
  const waited = `${app}, route!~"${SCRAPE_ROUTE}|${ASK_ROUTE}"`;
  const runbookUrl = (runbook: Runbook) =>
    `${settings.runbookBaseUrl}${RUNBOOKS[runbook]}`;
  const alert = (rule: {
    alert: string;
    severity: Severity;
    for?: string;
    expr: string;
    summary: string;
    description: string;
    runbook: Runbook;
  }): AlertingRule => ({
    alert: rule.alert,
    expr: rule.expr,
    ...(rule.for && { for: rule.for }),
    labels: { severity: rule.severity },
    annotations: {
      summary: rule.summary,
      description: rule.description,
      runbook_url: runbookUrl(rule.runbook),
    },
  });

  const requests = (window: SliWindow, matchers: string) =>
    `sum(rate(http_request_duration_seconds_count{${matchers}}[${window}]))`;
  const availability = sloRuleGroup({
    service: 'docuchat',
    name: 'requests-availability',
    objective: 0.995,
    errorRatio: w =>
      `${requests(w, `${api}, status=~"5.."`)} / ${requests(w, api)}`,
    alert: 'DocuChatAvailabilityBudgetBurn',
    summary: 'DocuChat answers too many requests with a server error.',
    description:
      'More than 0.5 % of DocuChat API requests (the availability SLO) end in a 5xx.',
    runbookUrl: runbookUrl('availability'),
  });

  // Slow events over all events: API requests other than the streamed ask
  // slower than the target, plus streamed answers whose first token came
  // later than the target. `or vector(0)`: one kind may have no traffic.
  const slowRequests = (w: SliWindow) =>
    `(${requests(
      w,
      waited,
    )} - sum(rate(http_request_duration_seconds_bucket{${waited}, le="${LATENCY_TARGET}"}[${w}])) or vector(0))`;
  const slowFirstTokens = (w: SliWindow) =>
    `(sum(rate(docuchat_ask_first_token_seconds_count{${app}}[${w}])) - sum(rate(docuchat_ask_first_token_seconds_bucket{${app}, le="${LATENCY_TARGET}"}[${w}])) or vector(0))`;
  const allRequests = (w: SliWindow) => `(${requests(w, waited)} or vector(0))`;
  const allFirstTokens = (w: SliWindow) =>
    `(sum(rate(docuchat_ask_first_token_seconds_count{${app}}[${w}])) or vector(0))`;
  const latency = sloRuleGroup({
    service: 'docuchat',
    name: 'requests-latency',
    objective: 0.99,
    errorRatio: w =>
      `(${slowRequests(w)} + ${slowFirstTokens(w)}) / (${allRequests(
        w,
      )} + ${allFirstTokens(w)})`,
    alert: 'DocuChatLatencyBudgetBurn',
    summary: 'DocuChat keeps too many people waiting.',
    description: `More than 1 % of waits (API requests other than the streamed ask, and the first token of streamed answers) take longer than ${LATENCY_TARGET} s (the latency SLO).`,
    runbookUrl: runbookUrl('latency'),
  });

  const api5m = (matchers: string) =>
    `sum(rate(http_request_duration_seconds_count{${matchers}}[5m]))`;

  const backend: RuleGroup = {
    name: 'docuchat-backend',
    rules: [
      alert({
        alert: 'DocuChatHighErrorRate',
        severity: 'warning',
        for: '5m',
        expr: `${api5m(`${api}, status=~"5.."`)} / ${api5m(api)} > 0.05`,
        summary: 'More than 5 % of DocuChat requests fail with a 5xx.',
        description:
          '{{ $value | humanizePercentage }} of DocuChat API requests ended in a server error over the last 5 minutes.',
        runbook: 'availability',
      }),
      alert({
        alert: 'DocuChatHighLatency',
        severity: 'warning',
        for: '10m',
        expr: `histogram_quantile(0.95, sum by (route, le) (rate(http_request_duration_seconds_bucket{${waited}}[5m]))) > ${LATENCY_TARGET}`,
        summary: `DocuChat route p95 latency is above ${LATENCY_TARGET} s.`,
        description:
          'The 95th percentile of {{ $labels.route }} took {{ $value | humanizeDuration }} over the last 5 minutes.',
        runbook: 'latency',
      }),
      alert({
        alert: 'DocuChatSlowFirstToken',
        severity: 'warning',
        for: '10m',
        expr: `histogram_quantile(0.95, sum by (le) (rate(docuchat_ask_first_token_seconds_bucket{${app}}[5m]))) > ${LATENCY_TARGET}`,
        summary: `Streamed answers take more than ${LATENCY_TARGET} s to their first token.`,
        description:
          'The 95th percentile of the wait for the first token of a streamed answer was {{ $value | humanizeDuration }} over the last 5 minutes.',
        runbook: 'gpuScaling',
      }),
      alert({
        alert: 'DocuChatOpenAIRequestFailures',
        severity: 'warning',
        for: '10m',
        expr: `sum by (model, operation) (rate(openai_request_total{${app}, model=~"openai:.*", outcome!="success"}[5m])) / sum by (model, operation) (rate(openai_request_total{${app}, model=~"openai:.*"}[5m])) > 0.1`,
        summary: 'Calls to OpenAI fail.',
        description:
          '{{ $value | humanizePercentage }} of {{ $labels.operation }} calls to {{ $labels.model }} failed or fell back over the last 5 minutes.',
        runbook: 'openAiOutage',
      }),
      alert({
        alert: 'DocuChatExcessiveFallbacks',
        severity: 'warning',
        for: '15m',
        expr: `sum(rate(ml_fallback_total{${app}}[15m])) / sum(rate(rag_query_total{${app}, outcome!="cached"}[15m])) > 0.2`,
        summary: 'Many questions step down the model chain.',
        description:
          'Fallbacks came to {{ $value | humanizePercentage }} of the questions asked over the last 15 minutes: answers come from weaker models.',
        runbook: 'openAiOutage',
      }),
    ],
  };

  const ingestion: RuleGroup = {
    name: 'docuchat-ingestion',
    rules: [
      alert({
        alert: 'DocuChatEventLoopLag',
        severity: 'warning',
        for: '10m',
        expr: `max by (instance) (nodejs_eventloop_lag_p99_seconds{${app}}) > ${settings.eventLoopLagSeconds}`,
        summary:
          "The backend's event loop lags: the whole portal answers late.",
        description:
          'The event loop of {{ $labels.instance }} lagged {{ $value | humanizeDuration }} at the 99th percentile: every plugin of the portal on it (catalog, scaffolder, auth, DocuChat) answers that much later.',
        runbook: 'latency',
      }),
      alert({
        alert: 'DocuChatIngestionFailing',
        severity: 'warning',
        for: '5m',
        // Failures the upload itself explains (a limit such as pdf-pages,
        // corrupt, encoding) are the user's to fix and do not alert; these
        // are the parser running out of time or memory, crashing, or
        // ingestion failing for other reasons (the embedding model).
        expr: `sum by (reason) (increase(docuchat_ingestion_failures_total{${app}, reason=~"timeout|memory|crashed|interrupted|other"}[30m])) > ${settings.ingestionFailures}`,
        summary:
          'Documents fail to ingest for a reason that is not the upload.',
        description:
          '{{ $value | humanize }} documents failed to ingest with reason {{ $labels.reason }} in the last 30 minutes.',
        runbook: 'ingestionFailing',
      }),
    ],
  };

  const kubernetes: RuleGroup = {
    name: 'docuchat-kubernetes',
    rules: [
      alert({
        alert: 'DocuChatPodCrashLooping',
        severity: 'warning',
        for: '15m',
        expr: `max_over_time(kube_pod_container_status_waiting_reason{${kube}, reason="CrashLoopBackOff"}[5m]) >= 1`,
        summary: 'A DocuChat container is crash looping.',
        description:
          'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} keeps restarting (CrashLoopBackOff).',
        runbook: 'podHealth',
      }),
      alert({
        alert: 'DocuChatPodNotReady',
        severity: 'warning',
        for: '15m',
        expr: `sum by (namespace, pod) (kube_pod_status_phase{${kube}, phase=~"Pending|Unknown|Failed"}) > 0 or sum by (namespace, pod) ((kube_pod_status_ready{${kube}, condition="false"} == 1) and on (namespace, pod) (kube_pod_status_phase{${kube}, phase="Running"} == 1)) > 0`,
        summary: 'A DocuChat pod is not ready.',
        description:
          'Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 15 minutes.',
        runbook: 'podHealth',
      }),
      alert({
        alert: 'DocuChatCPUSaturation',
        severity: 'warning',
        for: '15m',
        expr: `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${kube}, container!=""}[5m])) / sum by (namespace, pod) (kube_pod_container_resource_limits{${kube}, resource="cpu"}) > 0.9`,
        summary: 'A DocuChat pod uses more than 90 % of its CPU limit.',
        description:
          'Pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of its CPU limit: it is being throttled.',
        runbook: 'resourceSaturation',
      }),
      alert({
        alert: 'DocuChatMemorySaturation',
        severity: 'warning',
        for: '15m',
        expr: `sum by (namespace, pod) (container_memory_working_set_bytes{${kube}, container!=""}) / sum by (namespace, pod) (kube_pod_container_resource_limits{${kube}, resource="memory"}) > 0.9`,
        summary: 'A DocuChat pod uses more than 90 % of its memory limit.',
        description:
          'Pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of its memory limit: it will be OOM-killed soon.',
        runbook: 'resourceSaturation',
      }),
      alert({
        alert: 'DocuChatDatabaseBackupFailed',
        severity: 'warning',
        for: '5m',
        expr: `max by (namespace, job_name) (kube_job_status_failed{${kube}, job_name=~".*backup.*"}) > 0`,
        summary: 'A DocuChat database backup failed.',
        description:
          'Backup job {{ $labels.namespace }}/{{ $labels.job_name }} failed: the newest restorable backup is older than planned.',
        runbook: 'databaseRecovery',
      }),
    ],
  };

  const tokens1h = `sum by (tenant) (rate(openai_tokens_total{${app}}[1h]))`;
  const tenants: RuleGroup = {
    name: 'docuchat-tenants',
    rules: [
      alert({
        alert: 'DocuChatTenantTokenSpike',
        severity: 'warning',
        for: '15m',
        // Against the tenant's own average of the day before the last hour;
        // small tenants (under 10,000 tokens an hour) are left alone.
        expr: `${tokens1h} > 3 * sum by (tenant) (rate(openai_tokens_total{${app}}[1d] offset 1h)) and sum by (tenant) (increase(openai_tokens_total{${app}}[1h])) > 10000`,
        summary: 'A tenant spends tokens far faster than usual.',
        description:
          'Tenant {{ $labels.tenant }} spent {{ $value | humanize }} tokens per second over the last hour, more than three times its average of the day before.',
        runbook: 'tenantTokenUsage',
      }),
      alert({
        alert: 'DocuChatTenantOverDailyBudget',
        severity: 'warning',
        for: '5m',
        expr: `sum by (tenant) (increase(openai_tokens_total{${app}}[1d])) > on (tenant) max by (tenant) (docuchat_tenant_daily_token_budget{${app}})`,
        summary: 'A tenant spent more tokens than its daily budget.',
        description:
          'Tenant {{ $labels.tenant }} spent {{ $value | humanize }} tokens in the last 24 hours, more than its daily budget.',
        runbook: 'tenantTokenUsage',
      }),
    ],
  };

  const billing: RuleGroup = {
    name: 'docuchat-billing',
    rules: [
      alert({
        alert: 'DocuChatBillingRunFailed',
        severity: 'warning',
        // An event, not a symptom that may pass: no `for`. Outcomes are
        // BillingRunOutcome's: succeeded, partial, failed.
        expr: `sum by (outcome) (increase(docuchat_billing_runs_total{${app}, outcome!="succeeded"}[1h])) > 0`,
        summary: 'A billing run failed.',
        description:
          'A billing run ended with outcome {{ $labels.outcome }} in the last hour; its days are not invoiced until a run succeeds.',
        runbook: 'billingRerun',
      }),
      alert({
        alert: 'DocuChatBillingRunMissed',
        severity: 'critical',
        for: '10m',
        expr: `time() - max(docuchat_billing_last_success_timestamp_seconds{${app}}) > 26 * 3600`,
        summary: 'No billing run has succeeded for 26 hours.',
        description:
          'The last successful billing run was {{ $value | humanizeDuration }} ago; the daily run was missed.',
        runbook: 'billingRerun',
      }),
      alert({
        alert: 'DocuChatBillingDrift',
        severity: 'warning',
        for: '10m',
        expr: `max by (tenant) (abs(docuchat_billing_drift_tokens{${app}})) > ${settings.billingDriftTokens}`,
        summary: "The ledger and Prometheus disagree on a tenant's tokens.",
        description:
          'The last billing run found the ledger and Prometheus {{ $value | humanize }} tokens apart for tenant {{ $labels.tenant }}.',
        runbook: 'billingRerun',
      }),
      alert({
        alert: 'DocuChatInvoicesFailed',
        severity: 'warning',
        for: '30m',
        expr: `max(docuchat_invoices{${app}, status="failed"}) > 0`,
        summary: 'Invoices are stuck in the failed state.',
        description:
          '{{ $value }} invoices failed: the payment gateway (Zibal) may be refusing or losing payments.',
        runbook: 'zibalOutage',
      }),
    ],
  };

  return [
    availability,
    latency,
    backend,
    ingestion,
    kubernetes,
    tenants,
    billing,
  ];
}
