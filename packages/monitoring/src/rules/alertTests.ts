import { MonitoringSettings } from '../settings';
import { docuchatRuleGroups } from './alerts';
import { AlertingRule, isAlertingRule, Severity } from './types';

/** One input series of a promtool test, in its expanding notation. */
interface Series {
  series: string;
  values: string;
}

/**
 * The unit test of one alerting rule: series that make it fire, with the
 * minute it must fire at (silent one evaluation earlier: the `for`
 * boundary, or the first evaluation that sees the problem when it has no
 * `for`), the labels and the templated description it must carry; and
 * healthy series on which it must stay silent.
 */
export interface AlertTestCase {
  alert: string;
  severity: Severity;
  firing: {
    series: Series[];
    /** Minutes from the first sample. */
    firesAt: number;
    /** Labels besides `severity`. */
    labels: Record<string, string>;
    description: string;
  };
  healthy: Series[];
}

const APP = 'job="docuchat"';
const KUBE = 'namespace="docuchat-production"';
const SEARCH = `${APP}, method="GET", route="/tenants/:tenantId/search"`;
const ASK = `${APP}, method="POST", route="/tenants/:tenantId/ask"`;
const POD = `${KUBE}, pod="docuchat-backend-7d9f8-x2k4q"`;

/** A counter growing by `perMinute` every minute from 0, for `minutes`. */
const grows = (perMinute: number, minutes = 200) => `0+${perMinute}x${minutes}`;
/** A value that stays the same. */
const steady = (value: number, minutes = 200) => `${value}x${minutes}`;
const series = (name: string, labels: string, values: string): Series => ({
  series: `${name}{${labels}}`,
  values,
});

/** HTTP requests of one route and status: a count and the given buckets. */
function httpRequests(
  labels: string,
  perMinute: number,
  bucketsPerMinute: Record<string, number> = {},
): Series[] {
  return [
    series('http_request_duration_seconds_count', labels, grows(perMinute)),
    ...Object.entries({ ...bucketsPerMinute, '+Inf': perMinute }).map(
      ([le, n]) =>
        series(
          'http_request_duration_seconds_bucket',
          `${labels}, le="${le}"`,
          grows(n),
        ),
    ),
  ];
}

function firstTokens(
  perMinute: number,
  bucketsPerMinute: Record<string, number>,
): Series[] {
  return [
    series('docuchat_ask_first_token_seconds_count', APP, grows(perMinute)),
    ...Object.entries({ ...bucketsPerMinute, '+Inf': perMinute }).map(
      ([le, n]) =>
        series(
          'docuchat_ask_first_token_seconds_bucket',
          `${APP}, le="${le}"`,
          grows(n),
        ),
    ),
  ];
}

const sloLabels = (slo: string) => ({
  sloth_id: `docuchat-${slo}`,
  sloth_service: 'docuchat',
  sloth_slo: slo,
});
const AVAILABILITY_DESCRIPTION =
  'More than 0.5 % of DocuChat API requests (the availability SLO) end in a 5xx.';
const LATENCY_DESCRIPTION =
  'More than 1 % of waits (API requests other than the streamed ask, and the first token of streamed answers) take longer than 2 s (the latency SLO).';

/** Every alerting rule's test; `alertTestFile` fails on a rule without one. */
export const ALERT_TESTS: AlertTestCase[] = [
  {
    alert: 'DocuChatAvailabilityBudgetBurn',
    severity: 'critical',
    firing: {
      // 10 % errors: above 14.4 × and 6 × the 0.5 % budget.
      series: [
        ...httpRequests(`${SEARCH}, status="200"`, 540),
        ...httpRequests(`${SEARCH}, status="500"`, 60),
      ],
      firesAt: 3,
      labels: sloLabels('requests-availability'),
      description: `${AVAILABILITY_DESCRIPTION} At this pace the 30-day error budget lasts hours to days.`,
    },
    // 0.1 % errors, and failing scrapes that are no user's request.
    healthy: [
      ...httpRequests(`${SEARCH}, status="200"`, 999),
      ...httpRequests(`${SEARCH}, status="503"`, 1),
      ...httpRequests(
        `${APP}, method="GET", route="/metrics", status="500"`,
        100,
      ),
    ],
  },
  {
    alert: 'DocuChatAvailabilityBudgetBurn',
    severity: 'warning',
    firing: {
      // 2 % errors: above 3 × and 1 × the budget, below the pages' 6 ×.
      series: [
        ...httpRequests(`${SEARCH}, status="200"`, 490),
        ...httpRequests(`${SEARCH}, status="502"`, 10),
      ],
      firesAt: 16,
      labels: sloLabels('requests-availability'),
      description: `${AVAILABILITY_DESCRIPTION} At this pace the 30-day error budget lasts days to weeks.`,
    },
    healthy: [
      ...httpRequests(`${SEARCH}, status="200"`, 999),
      ...httpRequests(`${SEARCH}, status="500"`, 1),
    ],
  },
  {
    alert: 'DocuChatLatencyBudgetBurn',
    severity: 'critical',
    firing: {
      // 20 % of requests and of first tokens later than 2 s.
      series: [
        ...httpRequests(`${SEARCH}, status="200"`, 100, { '2': 80 }),
        ...firstTokens(100, { '2': 80 }),
      ],
      firesAt: 3,
      labels: sloLabels('requests-latency'),
      description: `${LATENCY_DESCRIPTION} At this pace the 30-day error budget lasts hours to days.`,
    },
    // Whole streamed answers take long; only their first token counts.
    healthy: [
      ...httpRequests(`${SEARCH}, status="200"`, 100, { '2': 100 }),
      ...httpRequests(`${ASK}, status="200"`, 100, { '2': 0 }),
      ...firstTokens(100, { '2': 100 }),
    ],
  },
  {
    alert: 'DocuChatLatencyBudgetBurn',
    severity: 'warning',
    firing: {
      // 4 % slow requests and no streamed answers at all.
      series: httpRequests(`${SEARCH}, status="200"`, 100, { '2': 96 }),
      firesAt: 16,
      labels: sloLabels('requests-latency'),
      description: `${LATENCY_DESCRIPTION} At this pace the 30-day error budget lasts days to weeks.`,
    },
    healthy: [
      ...httpRequests(`${SEARCH}, status="200"`, 1000, { '2': 999 }),
      ...firstTokens(100, { '2': 100 }),
    ],
  },
  {
    alert: 'DocuChatHighErrorRate',
    severity: 'warning',
    firing: {
      series: [
        ...httpRequests(`${SEARCH}, status="200"`, 540),
        ...httpRequests(`${SEARCH}, status="500"`, 60),
      ],
      firesAt: 6,
      labels: {},
      description:
        '10% of DocuChat API requests ended in a server error over the last 5 minutes.',
    },
    healthy: [
      ...httpRequests(`${SEARCH}, status="200"`, 99),
      ...httpRequests(`${SEARCH}, status="500"`, 1),
      ...httpRequests(`${SEARCH}, status="404"`, 50),
    ],
  },
  {
    alert: 'DocuChatHighLatency',
    severity: 'warning',
    firing: {
      // p95 falls in (2, 2.5]: 2.25 s.
      series: httpRequests(`${SEARCH}, status="200"`, 600, {
        '1': 300,
        '2': 540,
        '2.5': 600,
      }),
      firesAt: 11,
      labels: { route: '/tenants/:tenantId/search' },
      description:
        'The 95th percentile of /tenants/:tenantId/search took 2.25s over the last 5 minutes.',
    },
    healthy: [
      ...httpRequests(`${SEARCH}, status="200"`, 600, {
        '1': 590,
        '2': 600,
        '2.5': 600,
      }),
      ...httpRequests(`${ASK}, status="200"`, 10, { '2': 0, '2.5': 0 }),
    ],
  },
  {
    alert: 'DocuChatSlowFirstToken',
    severity: 'warning',
    firing: {
      series: firstTokens(100, { '1': 50, '2': 80, '3': 100 }),
      firesAt: 11,
      labels: {},
      description:
        'The 95th percentile of the wait for the first token of a streamed answer was 2.75s over the last 5 minutes.',
    },
    healthy: firstTokens(100, { '1': 90, '2': 99, '3': 100 }),
  },
  {
    alert: 'DocuChatOpenAIRequestFailures',
    severity: 'warning',
    firing: {
      series: [
        series(
          'openai_request_total',
          `${APP}, model="openai:gpt-4o-mini", operation="chat", outcome="success"`,
          grows(80),
        ),
        series(
          'openai_request_total',
          `${APP}, model="openai:gpt-4o-mini", operation="chat", outcome="error"`,
          grows(20),
        ),
      ],
      firesAt: 11,
      labels: { model: 'openai:gpt-4o-mini', operation: 'chat' },
      description:
        '20% of chat calls to openai:gpt-4o-mini failed or fell back over the last 5 minutes.',
    },
    // The local models are not OpenAI's.
    healthy: [
      series(
        'openai_request_total',
        `${APP}, model="openai:gpt-4o-mini", operation="chat", outcome="success"`,
        grows(99),
      ),
      series(
        'openai_request_total',
        `${APP}, model="openai:gpt-4o-mini", operation="chat", outcome="error"`,
        grows(1),
      ),
      series(
        'openai_request_total',
        `${APP}, model="local:extractive", operation="chat", outcome="error"`,
        grows(10),
      ),
    ],
  },
  {
    alert: 'DocuChatExcessiveFallbacks',
    severity: 'warning',
    firing: {
      series: [
        series(
          'ml_fallback_total',
          `${APP}, from_model="openai:gpt-4o-mini", to_model="local:extractive", reason="rate_limit"`,
          grows(30),
        ),
        series(
          'rag_query_total',
          `${APP}, tenant="acme", outcome="answered"`,
          grows(100),
        ),
        // Cached answers call no model: they do not dilute the ratio.
        series(
          'rag_query_total',
          `${APP}, tenant="acme", outcome="cached"`,
          grows(500),
        ),
      ],
      firesAt: 16,
      labels: {},
      description:
        'Fallbacks came to 30% of the questions asked over the last 15 minutes: answers come from weaker models.',
    },
    healthy: [
      series(
        'ml_fallback_total',
        `${APP}, from_model="openai:gpt-4o-mini", to_model="local:extractive", reason="timeout"`,
        grows(5),
      ),
      series(
        'rag_query_total',
        `${APP}, tenant="acme", outcome="answered"`,
        grows(100),
      ),
    ],
  },
  {
    alert: 'DocuChatEventLoopLag',
    severity: 'warning',
    firing: {
      // Lagging from minute 5; the alert waits 10 minutes.
      series: [
        series(
          'nodejs_eventloop_lag_p99_seconds',
          `${APP}, instance="10.0.0.7:7007"`,
          `0.01x4 ${steady(0.5)}`,
        ),
      ],
      firesAt: 15,
      labels: { instance: '10.0.0.7:7007' },
      description:
        'The event loop of 10.0.0.7:7007 lagged 500ms at the 99th percentile: every plugin of the portal on it (catalog, scaffolder, auth, DocuChat) answers that much later.',
    },
    healthy: [
      series(
        'nodejs_eventloop_lag_p99_seconds',
        `${APP}, instance="10.0.0.7:7007"`,
        steady(0.05),
      ),
    ],
  },
  {
    alert: 'DocuChatIngestionFailing',
    severity: 'warning',
    firing: {
      // Five documents time out at minute 10; the alert waits 5 minutes.
      series: [
        series(
          'docuchat_ingestion_failures_total',
          `${APP}, reason="timeout"`,
          `0x9 ${steady(5)}`,
        ),
      ],
      firesAt: 15,
      labels: { reason: 'timeout' },
      description:
        '5 documents failed to ingest with reason timeout in the last 30 minutes.',
    },
    // Many uploads over a limit (the user's to fix), and two timeouts.
    healthy: [
      series(
        'docuchat_ingestion_failures_total',
        `${APP}, reason="pdf-pages"`,
        grows(10),
      ),
      series(
        'docuchat_ingestion_failures_total',
        `${APP}, reason="timeout"`,
        `0x9 ${steady(2)}`,
      ),
    ],
  },
  {
    alert: 'DocuChatPodCrashLooping',
    severity: 'warning',
    firing: {
      series: [
        series(
          'kube_pod_container_status_waiting_reason',
          `${POD}, container="backend", reason="CrashLoopBackOff"`,
          `0x4 ${steady(1, 40)}`,
        ),
      ],
      firesAt: 20,
      labels: {
        namespace: 'docuchat-production',
        pod: 'docuchat-backend-7d9f8-x2k4q',
        container: 'backend',
        reason: 'CrashLoopBackOff',
      },
      description:
        'Container backend of pod docuchat-production/docuchat-backend-7d9f8-x2k4q keeps restarting (CrashLoopBackOff).',
    },
    // Another application's crash loop is not DocuChat's.
    healthy: [
      series(
        'kube_pod_container_status_waiting_reason',
        `${POD}, container="backend", reason="CrashLoopBackOff"`,
        steady(0),
      ),
      series(
        'kube_pod_container_status_waiting_reason',
        'namespace="shop", pod="shop-1", container="web", reason="CrashLoopBackOff"',
        steady(1),
      ),
    ],
  },
  {
    alert: 'DocuChatPodNotReady',
    severity: 'warning',
    firing: {
      // Running, but its readiness probe fails.
      series: [
        series('kube_pod_status_phase', `${POD}, phase="Running"`, steady(1)),
        series('kube_pod_status_phase', `${POD}, phase="Pending"`, steady(0)),
        series('kube_pod_status_ready', `${POD}, condition="true"`, steady(0)),
        series('kube_pod_status_ready', `${POD}, condition="false"`, steady(1)),
      ],
      firesAt: 15,
      labels: {
        namespace: 'docuchat-production',
        pod: 'docuchat-backend-7d9f8-x2k4q',
      },
      description:
        'Pod docuchat-production/docuchat-backend-7d9f8-x2k4q has not been ready for 15 minutes.',
    },
    healthy: [
      series('kube_pod_status_phase', `${POD}, phase="Running"`, steady(1)),
      series('kube_pod_status_phase', `${POD}, phase="Pending"`, steady(0)),
      series('kube_pod_status_ready', `${POD}, condition="true"`, steady(1)),
      series('kube_pod_status_ready', `${POD}, condition="false"`, steady(0)),
    ],
  },
  {
    alert: 'DocuChatCPUSaturation',
    severity: 'warning',
    firing: {
      // 57 CPU-seconds a minute against a limit of one core; rate() over
      // 5m counts from the first sample on, so 95 % from minute 5.
      series: [
        series(
          'container_cpu_usage_seconds_total',
          `${POD}, container="backend"`,
          grows(57),
        ),
        series(
          'kube_pod_container_resource_limits',
          `${POD}, container="backend", resource="cpu", unit="core"`,
          steady(1),
        ),
      ],
      firesAt: 20,
      labels: {
        namespace: 'docuchat-production',
        pod: 'docuchat-backend-7d9f8-x2k4q',
      },
      description:
        'Pod docuchat-production/docuchat-backend-7d9f8-x2k4q uses 95% of its CPU limit: it is being throttled.',
    },
    // The pod-level cgroup series (container="") would count usage twice.
    healthy: [
      series(
        'container_cpu_usage_seconds_total',
        `${POD}, container="backend"`,
        grows(30),
      ),
      series(
        'container_cpu_usage_seconds_total',
        `${POD}, container=""`,
        grows(30),
      ),
      series(
        'kube_pod_container_resource_limits',
        `${POD}, container="backend", resource="cpu", unit="core"`,
        steady(1),
      ),
    ],
  },
  {
    alert: 'DocuChatMemorySaturation',
    severity: 'warning',
    firing: {
      series: [
        series(
          'container_memory_working_set_bytes',
          `${POD}, container="backend"`,
          steady(950e6),
        ),
        series(
          'kube_pod_container_resource_limits',
          `${POD}, container="backend", resource="memory", unit="byte"`,
          steady(1e9),
        ),
      ],
      firesAt: 15,
      labels: {
        namespace: 'docuchat-production',
        pod: 'docuchat-backend-7d9f8-x2k4q',
      },
      description:
        'Pod docuchat-production/docuchat-backend-7d9f8-x2k4q uses 95% of its memory limit: it will be OOM-killed soon.',
    },
    healthy: [
      series(
        'container_memory_working_set_bytes',
        `${POD}, container="backend"`,
        steady(500e6),
      ),
      series(
        'container_memory_working_set_bytes',
        `${POD}, container=""`,
        steady(500e6),
      ),
      series(
        'kube_pod_container_resource_limits',
        `${POD}, container="backend", resource="memory", unit="byte"`,
        steady(1e9),
      ),
    ],
  },
  {
    alert: 'DocuChatDatabaseBackupFailed',
    severity: 'warning',
    firing: {
      series: [
        series(
          'kube_job_status_failed',
          `${KUBE}, job_name="docuchat-backup-29412000"`,
          `0x9 ${steady(1, 30)}`,
        ),
      ],
      firesAt: 15,
      labels: {
        namespace: 'docuchat-production',
        job_name: 'docuchat-backup-29412000',
      },
      description:
        'Backup job docuchat-production/docuchat-backup-29412000 failed: the newest restorable backup is older than planned.',
    },
    healthy: [
      series(
        'kube_job_status_failed',
        `${KUBE}, job_name="docuchat-backup-29412000"`,
        steady(0),
      ),
      series(
        'kube_job_status_failed',
        `${KUBE}, job_name="docuchat-migrate-1"`,
        steady(1),
      ),
    ],
  },
  {
    alert: 'DocuChatTenantTokenSpike',
    severity: 'warning',
    firing: {
      // 100 tokens a minute for 25 h, then 10,000: three times the day's
      // average rate over the last hour from the second minute on.
      series: [
        series(
          'openai_tokens_total',
          `${APP}, tenant="acme", direction="prompt", model="openai:gpt-4o-mini"`,
          '0+100x1500 160000+10000x40',
        ),
      ],
      firesAt: 1517,
      labels: { tenant: 'acme' },
      description:
        'Tenant acme spent 48.42 tokens per second over the last hour, more than three times its average of the day before.',
    },
    // Steady use; a small tenant's tenfold jump stays under 10,000 an hour.
    healthy: [
      series(
        'openai_tokens_total',
        `${APP}, tenant="globex", direction="prompt", model="openai:gpt-4o-mini"`,
        grows(100, 1540),
      ),
      series(
        'openai_tokens_total',
        `${APP}, tenant="tiny", direction="prompt", model="openai:gpt-4o-mini"`,
        '0+1x1500 1510+10x40',
      ),
    ],
  },
  {
    alert: 'DocuChatTenantOverDailyBudget',
    severity: 'warning',
    firing: {
      series: [
        series(
          'docuchat_tenant_daily_token_budget',
          `${APP}, tenant="acme"`,
          steady(10000),
        ),
        series(
          'openai_tokens_total',
          `${APP}, tenant="acme", direction="completion", model="openai:gpt-4o-mini"`,
          `0x10 ${steady(50000, 30)}`,
        ),
      ],
      firesAt: 16,
      labels: { tenant: 'acme' },
      description:
        'Tenant acme spent 50k tokens in the last 24 hours, more than its daily budget.',
    },
    // Under its budget; a tenant without a budget is never over it.
    healthy: [
      series(
        'docuchat_tenant_daily_token_budget',
        `${APP}, tenant="acme"`,
        steady(10000),
      ),
      series(
        'openai_tokens_total',
        `${APP}, tenant="acme", direction="completion", model="openai:gpt-4o-mini"`,
        `0x10 ${steady(5000, 30)}`,
      ),
      series(
        'openai_tokens_total',
        `${APP}, tenant="globex", direction="completion", model="openai:gpt-4o-mini"`,
        `0x10 ${steady(50000, 30)}`,
      ),
    ],
  },
  {
    alert: 'DocuChatBillingRunFailed',
    severity: 'warning',
    firing: {
      series: [
        series(
          'docuchat_billing_runs_total',
          `${APP}, outcome="failed"`,
          `0x10 ${steady(1, 30)}`,
        ),
        series(
          'docuchat_billing_runs_total',
          `${APP}, outcome="succeeded"`,
          steady(0, 40),
        ),
      ],
      firesAt: 11,
      labels: { outcome: 'failed' },
      description:
        'A billing run ended with outcome failed in the last hour; its days are not invoiced until a run succeeds.',
    },
    healthy: [
      series(
        'docuchat_billing_runs_total',
        `${APP}, outcome="failed"`,
        steady(0, 40),
      ),
      series(
        'docuchat_billing_runs_total',
        `${APP}, outcome="succeeded"`,
        `0x10 ${steady(1, 30)}`,
      ),
    ],
  },
  {
    alert: 'DocuChatBillingRunMissed',
    severity: 'critical',
    firing: {
      // The last success 25 h 40 m before the first sample: 26 h have
      // passed after minute 20.
      series: [
        series(
          'docuchat_billing_last_success_timestamp_seconds',
          APP,
          steady(-92400, 60),
        ),
      ],
      firesAt: 31,
      labels: {},
      description:
        'The last successful billing run was 1d 2h 11m 0s ago; the daily run was missed.',
    },
    // 20 h after the last success, the next run succeeds at minute 30.
    healthy: [
      series(
        'docuchat_billing_last_success_timestamp_seconds',
        APP,
        `-72000x29 ${steady(1800, 30)}`,
      ),
    ],
  },
  {
    alert: 'DocuChatBillingDrift',
    severity: 'warning',
    firing: {
      series: [
        series(
          'docuchat_billing_drift_tokens',
          `${APP}, tenant="acme"`,
          steady(-5000),
        ),
      ],
      firesAt: 10,
      labels: { tenant: 'acme' },
      description:
        'The last billing run found the ledger and Prometheus 5k tokens apart for tenant acme.',
    },
    healthy: [
      series(
        'docuchat_billing_drift_tokens',
        `${APP}, tenant="acme"`,
        steady(300),
      ),
      series(
        'docuchat_billing_drift_tokens',
        `${APP}, tenant="globex"`,
        steady(-200),
      ),
    ],
  },
  {
    alert: 'DocuChatInvoicesFailed',
    severity: 'warning',
    firing: {
      series: [
        series(
          'docuchat_invoices',
          `${APP}, status="failed"`,
          `0x4 ${steady(3, 60)}`,
        ),
        series('docuchat_invoices', `${APP}, status="issued"`, steady(10, 65)),
      ],
      firesAt: 35,
      labels: {},
      description:
        '3 invoices failed: the payment gateway (Zibal) may be refusing or losing payments.',
    },
    healthy: [
      series('docuchat_invoices', `${APP}, status="failed"`, steady(0, 65)),
      series('docuchat_invoices', `${APP}, status="paid"`, steady(40, 65)),
    ],
  },
];

/**
 * The promtool unit test file of the rules (`promtool test rules`), next to
 * alerts.yml: per alerting rule, a test that it is silent one evaluation
 * before it should fire and fires then with its labels and annotations, and
 * a test that it stays silent on healthy series. Throws when a rule has no
 * test case, or a case no rule.
 */
export function alertTestFile(settings: MonitoringSettings) {
  const rules = docuchatRuleGroups(settings)
    .flatMap(group => group.rules)
    .filter(isAlertingRule);
  const key = (r: { alert: string; severity: Severity }) =>
    `${r.alert}/${r.severity}`;
  const untested = rules
    .map(r => key({ alert: r.alert, severity: r.labels.severity }))
    .filter(k => !ALERT_TESTS.some(t => key(t) === k));
  const unknown = ALERT_TESTS.map(key).filter(
    k =>
      !rules.some(
        r => key({ alert: r.alert, severity: r.labels.severity }) === k,
      ),
  );
  if (untested.length || unknown.length) {
    throw new Error(
      `Alert tests out of step with the rules: no test for [${untested.join(
        ', ',
      )}]; no rule for [${unknown.join(', ')}]`,
    );
  }

  return {
    rule_files: ['alerts.yml'],
    evaluation_interval: '1m',
    tests: ALERT_TESTS.flatMap(test => {
      const rule = rules.find(
        r => r.alert === test.alert && r.labels.severity === test.severity,
      )!;
      return [firingTest(test, rule), healthyTest(test)];
    }),
  };
}

function firingTest(test: AlertTestCase, rule: AlertingRule) {
  const { firing } = test;
  return {
    name: `${test.alert} (${test.severity}) fires at ${firing.firesAt}m, not before`,
    interval: '1m',
    input_series: firing.series,
    alert_rule_test: [
      {
        eval_time: `${firing.firesAt - 1}m`,
        alertname: test.alert,
        exp_alerts: [],
      },
      {
        eval_time: `${firing.firesAt}m`,
        alertname: test.alert,
        // A warning's series never set off the same alert's page; a page's
        // series set off the ticket only later (its `for` is longer).
        exp_alerts: [
          {
            exp_labels: { severity: test.severity, ...firing.labels },
            exp_annotations: {
              summary: rule.annotations.summary,
              description: firing.description,
              runbook_url: rule.annotations.runbook_url,
            },
          },
        ],
      },
    ],
  };
}

function healthyTest(test: AlertTestCase) {
  const at = test.firing.firesAt;
  return {
    name: `${test.alert} (${test.severity}) stays silent on healthy series`,
    interval: '1m',
    input_series: test.healthy,
    alert_rule_test: [at, at + 10].map(minute => ({
      eval_time: `${minute}m`,
      alertname: test.alert,
      exp_alerts: [],
    })),
  };
}
