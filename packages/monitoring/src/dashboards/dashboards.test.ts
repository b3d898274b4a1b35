import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DEFAULT_SETTINGS } from '../settings';
import { backendOverviewDashboard } from './backendOverview';
import { tokenUsageDashboard } from './tokenUsage';

const dashboards: Array<[string, Dashboard]> = [
  ['backend-overview', backendOverviewDashboard(DEFAULT_SETTINGS)],
  ['token-usage', tokenUsageDashboard(DEFAULT_SETTINGS)],
];

const panelsOf = (dashboard: Dashboard): any[] =>
  (dashboard.panels ?? []).filter(p => p.type !== 'row');
const exprsOf = (dashboard: Dashboard): string[] =>
  panelsOf(dashboard).flatMap(p => p.targets.map((t: any) => t.expr));

describe.each(dashboards)('dashboard %s', (name, dashboard) => {
  it('has a stable uid and title', () => {
    expect(dashboard.uid).toBe(`docuchat-${name}`);
    expect(dashboard.title).toMatch(/^DocuChat \/ /);
  });

  it('has exactly one data source variable, and a multi-value tenant variable', () => {
    const variables = dashboard.templating?.list ?? [];
    expect(variables.filter(v => v.type === 'datasource')).toEqual([
      expect.objectContaining({ name: 'datasource', query: 'prometheus' }),
    ]);
    expect(variables.find(v => v.name === 'tenant')).toMatchObject({
      type: 'query',
      multi: true,
      includeAll: true,
      datasource: { type: 'prometheus', uid: '${datasource}' },
    });
  });

  it('queries the chosen data source from every panel', () => {
    expect(panelsOf(dashboard).length).toBeGreaterThan(5);
    for (const panel of panelsOf(dashboard)) {
      expect({ title: panel.title, datasource: panel.datasource }).toEqual({
        title: panel.title,
        datasource: { type: 'prometheus', uid: '${datasource}' },
      });
    }
  });

  it('takes every rate over $__rate_interval', () => {
    // Label values go first: `status=~"[45].."` is no range.
    const rates = exprsOf(dashboard).flatMap(expr => [
      ...expr
        .replace(/"(?:[^"\\]|\\.)*"/g, '""')
        .matchAll(/\brate\([^[]*\[([^\]]+)\]/g),
    ]);
    expect(rates.length).toBeGreaterThan(3);
    expect(rates.map(m => m[1]).filter(w => w !== '$__rate_interval')).toEqual(
      [],
    );
  });

  it('filters tenant series by the tenant variable', () => {
    // Billed totals have no tenant label: that comparison is for all.
    const perTenant = panelsOf(dashboard)
      .filter(p => !p.title.startsWith('Billed vs metered'))
      .flatMap(p => p.targets.map((t: any) => t.expr as string))
      .filter(expr => /openai_tokens_total|rag_query_total/.test(expr));
    expect(perTenant.length).toBeGreaterThan(0);
    for (const expr of perTenant) expect(expr).toContain('tenant=~"$tenant"');
  });
});

describe('the panels the issue asks for', () => {
  const titles = (dashboard: Dashboard) =>
    panelsOf(dashboard)
      .map(p => p.title)
      .join('\n');

  it('backend-overview: rate, latency percentiles by route, errors by status, parse time and ingestion failures, CPU, memory, event-loop lag', () => {
    const [, dashboard] = dashboards[0];
    expect(titles(dashboard)).toEqual(
      expect.stringMatching(
        /Request rate by route[\s\S]*Errors by status[\s\S]*Latency by route \(p50, p95, p99[\s\S]*Parse time by format[\s\S]*Ingestion failures by reason[\s\S]*CPU[\s\S]*Memory[\s\S]*Event-loop lag/,
      ),
    );
  });

  it('token-usage: tokens per tenant and model, Tomans, fallbacks, OpenAI success, billed vs metered', () => {
    const [, dashboard] = dashboards[1];
    const text = titles(dashboard);
    for (const title of [
      'Tokens per tenant and model',
      'Metered cost in range (Tomans)',
      'Fallbacks',
      'OpenAI success rate',
      'Billed vs metered in range (Tomans)',
    ]) {
      expect(text).toContain(title);
    }
  });
});
