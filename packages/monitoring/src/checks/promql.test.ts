import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
// The check scrapes the real backend plugin: what it exports is the truth.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import docuchatPlugin from '@docuchat/backstage-plugin-docuchat-backend';
import {
  PROMETHEUS_BINARY,
  PrometheusServer,
  startPrometheusServer,
} from '@internal/docuchat-test-utils';
import { existsSync } from 'fs';
import { join } from 'path';
import { AddressInfo } from 'net';
import { backendOverviewDashboard } from '../dashboards/backendOverview';
import { tokenUsageDashboard } from '../dashboards/tokenUsage';
import { docuchatRuleGroups } from '../rules/alerts';
import { isAlertingRule } from '../rules/types';
import { REPOSITORY_ROOT } from '../repositoryRoot';
import { DEFAULT_SETTINGS } from '../settings';
import {
  KUBERNETES_EXPORTER_METRICS,
  seriesNamesOfExposition,
} from './knownMetrics';
import { dashboardExpressions, metricNamesOf, ruleExpressions } from './promql';

jest.setTimeout(60_000);

const prometheusInstalled = existsSync(PROMETHEUS_BINARY);
if (!prometheusInstalled && process.env.CI) {
  throw new Error(
    `${PROMETHEUS_BINARY} is missing; CI must install it (Debian package "prometheus")`,
  );
}
const describeWithPrometheus = prometheusInstalled ? describe : describe.skip;

const groups = docuchatRuleGroups(DEFAULT_SETTINGS);
const expressions = [
  ...ruleExpressions(groups),
  ...dashboardExpressions(backendOverviewDashboard(DEFAULT_SETTINGS)),
  ...dashboardExpressions(tokenUsageDashboard(DEFAULT_SETTINGS)),
];

describe('metricNamesOf', () => {
  it('finds the selected metrics, not functions, labels, keywords or numbers', () => {
    expect(
      metricNamesOf(
        'sum by (tenant) (rate(openai_tokens_total{job=~"a|b", tenant!="x{y}"}[1h])) > 3 * sum by (tenant) (rate(openai_tokens_total[1d] offset 1h)) and on (tenant) group_left () slo:objective:ratio > 1e9',
      ).sort(),
    ).toEqual(['openai_tokens_total', 'slo:objective:ratio']);
    expect(
      metricNamesOf(
        'time() - max(docuchat_billing_last_success_timestamp_seconds{job="d"}) > 26 * 3600 or vector(0)',
      ),
    ).toEqual(['docuchat_billing_last_success_timestamp_seconds']);
  });
});

describeWithPrometheus(
  'the rules and dashboards in a real Prometheus scraping the test backend',
  () => {
    let prometheus: PrometheusServer;
    let exposition: string;
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

    beforeAll(async () => {
      const { server } = await startTestBackend({
        features: [
          docuchatPlugin,
          mockServices.database.factory({
            knex: await databases.init('SQLITE_3'),
          }),
          mockServices.rootConfig.factory({
            data: {
              docuchat: {
                metrics: { public: true },
                // Never called: nothing is uploaded or asked here.
                openai: { apiKey: 'unused', baseURL: 'http://127.0.0.1:9/v1' },
                embeddings: { provider: 'openai', dimensions: 64 },
                tenants: [
                  {
                    id: 'acme',
                    displayName: 'Acme',
                    ownerRef: 'user:default/alice',
                  },
                ],
              },
            },
          }),
        ],
      });
      const { port } = (
        server as unknown as { address(): AddressInfo }
      ).address();
      const scraped = await fetch(
        `http://127.0.0.1:${port}/api/docuchat/metrics`,
      );
      if (!scraped.ok)
        throw new Error(`GET /metrics answered ${scraped.status}`);
      exposition = await scraped.text();
      prometheus = await startPrometheusServer({
        ruleFiles: [join(REPOSITORY_ROOT, 'monitoring/prometheus/alerts.yml')],
        scrapeInterval: '1s',
        jobs: [
          {
            jobName: 'docuchat',
            targets: [`127.0.0.1:${port}`],
            metricsPath: '/api/docuchat/metrics',
          },
        ],
      });
    });
    afterAll(async () => {
      await prometheus?.stop();
    });

    it('loads the committed rule file and evaluates every rule without an error', async () => {
      const expected = groups.flatMap(g => g.rules).length;
      let rules: any[] = [];
      const deadline = Date.now() + 30_000;
      // Evaluated once a second; wait until each rule has been, once.
      while (Date.now() < deadline) {
        const data = await prometheus.api('rules');
        rules = data.groups.flatMap((g: any) => g.rules);
        if (
          rules.length === expected &&
          rules.every(r => !r.lastEvaluation.startsWith('0001'))
        ) {
          break;
        }
        await new Promise(resolve => setTimeout(resolve, 250));
      }
      expect(rules.length).toBe(expected);
      const unhealthy = rules.filter(r => r.health !== 'ok');
      expect(unhealthy.map(r => `${r.name}: ${r.lastError}`)).toEqual([]);
      expect(rules.filter(r => r.type === 'alerting').length).toBe(
        groups.flatMap(g => g.rules).filter(isAlertingRule).length,
      );
    });

    it('scrapes the backend', async () => {
      const deadline = Date.now() + 30_000;
      let up: any[] = [];
      while (Date.now() < deadline && up.length === 0) {
        up = (
          await prometheus.api(
            `query?query=${encodeURIComponent('up{job="docuchat"} == 1')}`,
          )
        ).result;
        if (up.length === 0) await new Promise(r => setTimeout(r, 250));
      }
      expect(up).toHaveLength(1);
    });

    it('parses every expression of the rules and dashboards', async () => {
      const failures: string[] = [];
      for (const { source, expr } of expressions) {
        await prometheus
          .api(`query?query=${encodeURIComponent(expr)}`)
          .catch(error => failures.push(`${source}: ${error.message}`));
      }
      expect(failures).toEqual([]);
      expect(expressions.length).toBeGreaterThan(50);
      // A real parser: a broken expression is refused.
      await expect(
        prometheus.api(`query?query=${encodeURIComponent('rate(x[5m]')}`),
      ).rejects.toThrow(/parse error/);
    });

    it('names only metrics the backend exports, the rules record or Kubernetes exporters provide', () => {
      const exported = seriesNamesOfExposition(exposition);
      const recorded = new Set(
        groups
          .flatMap(g => g.rules)
          .flatMap(r => ('record' in r ? [r.record] : [])),
      );
      const allowed = new Set([
        ...exported,
        ...recorded,
        ...KUBERNETES_EXPORTER_METRICS,
      ]);
      const unknown = expressions.flatMap(({ source, expr }) =>
        metricNamesOf(expr)
          .filter(name => !allowed.has(name))
          .map(name => `${source}: ${name}`),
      );
      expect(unknown).toEqual([]);

      // The scrape really is the backend's, with the families the rules need.
      for (const name of [
        'http_request_duration_seconds_bucket',
        'docuchat_ask_first_token_seconds_bucket',
        'openai_tokens_total',
        'docuchat_tenant_daily_token_budget',
        'nodejs_eventloop_lag_p99_seconds',
        'docuchat_document_parse_seconds_bucket',
        'docuchat_ingestion_failures_total',
        'docuchat_billing_runs_total',
        'docuchat_invoices',
        'docuchat_billed_rials_total',
        'docuchat_billing_last_success_timestamp_seconds',
        'docuchat_billing_drift_tokens',
      ]) {
        expect(exported).toContain(name);
      }
    });
  },
);
