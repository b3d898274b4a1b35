import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { lintChart, renderChart } from './__testUtils__/helm';
import { chartDir, productionValues } from './__testUtils__/repoPaths';
import {
  chartWithMonitoringFiles,
  everythingOn,
} from './__testUtils__/testFixtures';
import { typecheckManifests } from './__testUtils__/typecheckManifests';
import { validateManifests } from './__testUtils__/validateManifests';

describe('helm lint --strict', () => {
  it.each([
    ['the default values', {}],
    ['the production example', { valuesFiles: [productionValues] }],
    ['everything on', { values: everythingOn }],
  ])('passes with %s', (_name, options) => {
    const result = lintChart(options);
    expect(result.stderr + result.stdout).toContain(
      '1 chart(s) linted, 0 chart(s) failed',
    );
    expect(result.status).toBe(0);
  });
});

describe('every rendered manifest is valid against the Kubernetes schemas', () => {
  it.each([
    ['the default values', {}],
    ['the production example', { valuesFiles: [productionValues] }],
    [
      'everything on, with alert rules and dashboards',
      { values: everythingOn, chart: chartWithMonitoringFiles() },
    ],
  ])('%s', (_name, options) => {
    const manifests = renderChart(options);
    expect(manifests.length).toBeGreaterThan(10);
    expect(validateManifests(manifests)).toEqual([]);
  });

  it('no manifest has a field the Kubernetes API does not define (strict)', () => {
    const manifests = [
      ...renderChart(),
      ...renderChart({ valuesFiles: [productionValues] }),
      ...renderChart({
        values: everythingOn,
        chart: chartWithMonitoringFiles(),
      }),
    ];
    const misspelt = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'misspelt' },
      spec: { ports: [{ port: 80, targetPort: 'http', protocl: 'TCP' }] },
    };
    expect(typecheckManifests([...manifests, misspelt])).toEqual([
      {
        kind: 'Service',
        name: 'misspelt',
        error: expect.stringMatching(
          /"protocl"' does not exist in type 'IServicePort'/,
        ),
      },
    ]);
  }, 60_000);

  it('the production example renders the Prometheus Operator objects', () => {
    const kinds = renderChart({ valuesFiles: [productionValues] }).map(
      m => m.kind,
    );
    expect(kinds).toEqual(expect.arrayContaining(['ServiceMonitor']));
  });

  it('the validator reports what is wrong (it is not a no-op)', () => {
    const errors = validateManifests([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'broken' },
        spec: {
          selector: {},
          template: { spec: { containers: [{ name: 'x', image: 42 }] } },
        },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'no-target' },
        spec: { maxReplicas: 'ten' },
      },
      { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } },
    ]);
    expect(errors.map(e => [e.name, e.error])).toEqual([
      ['broken', expect.stringContaining('image must be string')],
      ['no-target', expect.stringMatching(/scaleTargetRef|maxReplicas/)],
      ['g', 'no schema for apiVersion example.com/v1'],
    ]);
  });
});

// The monitoring checks copy their rules and dashboards into the chart; until
// then only the fixture copy above covers these templates.
const alerts = path.join(chartDir, 'files/prometheus/alerts.yml');
const dashboards = path.join(chartDir, 'files/grafana');

(fs.existsSync(alerts) ? describe : describe.skip)(
  'the real alert rules in files/prometheus/alerts.yml',
  () => {
    const alertNames = (groups: any[]): string[] =>
      groups.flatMap(g => g.rules.map((r: any) => r.alert)).filter(Boolean);

    it('render into a valid PrometheusRule with every alert', () => {
      const file = YAML.parse(fs.readFileSync(alerts, 'utf8'));
      const manifests = renderChart({ values: everythingOn });
      const rules = manifests.filter(m => m.kind === 'PrometheusRule');
      expect(rules).toHaveLength(1);
      expect(validateManifests(rules)).toEqual([]);
      expect(typecheckManifests(rules)).toEqual([]);
      expect(alertNames(rules[0].spec.groups)).toEqual(alertNames(file.groups));
    }, 60_000);

    it('each alert can be switched off', () => {
      const names = alertNames(
        YAML.parse(fs.readFileSync(alerts, 'utf8')).groups,
      );
      const rule = renderChart({
        values: {
          ...everythingOn,
          monitoring: {
            ...everythingOn.monitoring,
            prometheusRule: { enabled: true, disabledAlerts: [names[0]] },
          },
        },
      }).find(m => m.kind === 'PrometheusRule');
      // An alert may have several rules (an SLO's page and its ticket):
      // switching its name off drops every one of them.
      expect(alertNames(rule?.spec.groups ?? [])).toEqual(
        names.filter(name => name !== names[0]),
      );
    });
  },
);

(fs.existsSync(dashboards) ? describe : describe.skip)(
  'the real dashboards in files/grafana',
  () => {
    it('each become a valid ConfigMap for the Grafana sidecar', () => {
      const files = fs.readdirSync(dashboards).filter(f => f.endsWith('.json'));
      const configMaps = renderChart({ values: everythingOn }).filter(
        m => m.kind === 'ConfigMap' && m.metadata.labels?.grafana_dashboard,
      );
      expect(configMaps.map(c => Object.keys(c.data)[0]).sort()).toEqual(
        files.sort(),
      );
      expect(validateManifests(configMaps)).toEqual([]);
    });
  },
);
