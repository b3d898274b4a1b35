import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import YAML from 'yaml';
import { renderError } from './__testUtils__/helm';
import { chartDir, productionValues } from './__testUtils__/repoPaths';
import { everythingOn } from './__testUtils__/testFixtures';

const schema = JSON.parse(
  fs.readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'),
);
const defaults = YAML.parse(
  fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'),
);

/** Deep merge, as helm merges values files over values.yaml (null deletes). */
function merge(base: any, override: any): any {
  if (
    base &&
    override &&
    typeof base === 'object' &&
    typeof override === 'object' &&
    !Array.isArray(base) &&
    !Array.isArray(override)
  ) {
    const out = { ...base };
    for (const [key, value] of Object.entries(override)) {
      if (value === null) delete out[key];
      else out[key] = merge(base[key], value);
    }
    return out;
  }
  return override;
}

describe('values.schema.json', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validate = ajv.compile(schema);

  it('is a valid draft 2020-12 schema, strict about unknown keys', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(schema.additionalProperties).toBe(false);
    // Every object with declared properties closes them.
    const open: string[] = [];
    const walk = (node: any, where: string) => {
      if (!node || typeof node !== 'object') return;
      if (node.properties && node.additionalProperties !== false)
        open.push(where);
      for (const [key, child] of Object.entries(node))
        walk(child, `${where}/${key}`);
    };
    walk(schema, '#');
    expect(open).toEqual([]);
  });

  it.each([
    ['values.yaml', defaults],
    [
      'the production example',
      merge(defaults, YAML.parse(fs.readFileSync(productionValues, 'utf8'))),
    ],
    ['everything on', merge(defaults, everythingOn)],
  ])('accepts %s', (_name, values) => {
    expect(validate(values) ? [] : validate.errors).toEqual([]);
  });

  // Each: a wrong value, and the JSON pointer the schema must blame.
  const rejected: Array<[string, unknown, string]> = [
    ['an unknown top-level key', { replicaCount: 3 }, ''],
    ['an unknown nested key (typo)', { portal: { replica: 3 } }, '/portal'],
    ['a string port', { portal: { port: '7007' } }, '/portal/port'],
    ['a port out of range', { service: { port: 70000 } }, '/service/port'],
    [
      'a boolean as a string',
      { ingress: { enabled: 'yes' } },
      '/ingress/enabled',
    ],
    [
      'zero HPA replicas',
      { autoscaling: { minReplicas: 0 } },
      '/autoscaling/minReplicas',
    ],
    [
      'a CPU target over 100 %',
      { autoscaling: { targetCPUUtilizationPercentage: 150 } },
      '/autoscaling/targetCPUUtilizationPercentage',
    ],
    [
      'an unknown pull policy',
      { image: { pullPolicy: 'Sometimes' } },
      '/image/pullPolicy',
    ],
    ['a malformed digest', { image: { digest: 'latest' } }, '/image/digest'],
    [
      'a malformed quantity',
      {
        portal: {
          resources: {
            limits: { cpu: 'two', memory: '2Gi', 'ephemeral-storage': '1Gi' },
          },
        },
      },
      '/portal/resources/limits/cpu',
    ],
    [
      'limits without ephemeral storage',
      { portal: { resources: { limits: { 'ephemeral-storage': null } } } },
      '/portal/resources/limits',
    ],
    [
      'a short metrics token',
      { secrets: { metricsToken: 'short' } },
      '/secrets/metricsToken',
    ],
    [
      'a malformed CIDR',
      { networkPolicy: { externalCidrs: ['everywhere'] } },
      '/networkPolicy/externalCidrs/0',
    ],
    [
      'no external CIDRs at all',
      { networkPolicy: { externalCidrs: [] } },
      '/networkPolicy/externalCidrs',
    ],
    [
      'a malformed cron schedule',
      { backup: { schedule: 'daily' } },
      '/backup/schedule',
    ],
    [
      'zero retention days',
      { backup: { retentionDays: 0 } },
      '/backup/retentionDays',
    ],
    [
      'an unknown sslMode',
      { database: { external: { sslMode: 'on' } } },
      '/database/external/sslMode',
    ],
    [
      'a database name with a dash',
      { database: { name: 'docu-chat' } },
      '/database/name',
    ],
    [
      'an unknown topology spread mode',
      { portal: { topologySpread: { whenUnsatisfiable: 'Maybe' } } },
      '/portal/topologySpread/whenUnsatisfiable',
    ],
    [
      'a rule group without rules',
      { monitoring: { prometheusRule: { extraRules: [{ name: 'x' }] } } },
      '/monitoring/prometheusRule/extraRules/0',
    ],
    [
      'a base URL without scheme',
      { portal: { baseUrl: 'docuchat.example.com' } },
      '/portal/baseUrl',
    ],
  ];

  it.each(rejected)('rejects %s', (_name, wrong, pointer) => {
    expect(validate(merge(defaults, wrong))).toBe(false);
    expect(validate.errors?.map(e => e.instancePath)).toContain(pointer);
  });

  it.each(rejected.slice(0, 4))('helm itself refuses %s', (_name, wrong) => {
    expect(renderError({ values: wrong as Record<string, unknown> })).toMatch(
      /values don't meet the specifications of the schema|additional properties|want integer|want boolean|maximum/,
    );
  });
});
