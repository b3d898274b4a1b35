import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { scaffolderModuleDocuchat } from './module';
import { KubernetesTestServer } from './__testUtils__/kubernetesTestServer';

const TEMPLATES = path.resolve(__dirname, '../templates');
const NS = 'docuchat-prod';
const ENVIRONMENT = 'resource:default/docuchat-prod';

/** The environment entity the runbooks act on, as new-environment makes it. */
const environmentEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'docuchat-prod',
    annotations: {
      'backstage.io/kubernetes-cluster': 'test',
      'backstage.io/kubernetes-namespace': NS,
    },
  },
  spec: { type: 'docuchat-environment', owner: 'group:default/platform' },
};

/** Every file under `dir`, as the dry-run API takes them. */
function directoryContents(dir: string, prefix = '') {
  const files: { path: string; base64Content: string }[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      files.push(...directoryContents(full, relative));
    } else if (entry.name !== 'template.yaml') {
      files.push({
        path: relative,
        base64Content: fs.readFileSync(full).toString('base64'),
      });
    }
  }
  return files;
}

/**
 * Realistic values for each template (as its form sends them), secrets
 * where it asks for them, and what its dry run must log.
 */
const cases: {
  template: string;
  values: Record<string, unknown>;
  secrets?: Record<string, string>;
  logs: RegExp[];
}[] = [
  {
    template: 'new-tenant',
    values: {
      id: 'initech',
      displayName: 'Initech',
      ownerRef: 'group:default/initech',
      contactEmail: 'billing@initech.example',
      mobile: '09121234567',
    },
    logs: [/Dry run: would create tenant initech \("Initech"\)/],
  },
  {
    template: 'new-environment',
    values: {
      name: 'staging',
      owner: 'group:default/platform',
      cluster: 'test',
      // The form fills in the defaults; the API takes what it is given.
      host: 'staging.docuchat.example.com',
      gpuReplicas: 0,
      repoUrl: 'github.com?owner=docuchat&repo=deployments',
    },
    logs: [
      /Writing file values.yaml/,
      /Performing dry run of creating pull request/,
      /Skipping because catalog:register does not support dry-run/,
    ],
  },
  {
    template: 'rotate-secrets',
    values: {
      environment: ENVIRONMENT,
      keys: ['openai-api-key', 'metrics-token', 'backend-auth-key'],
    },
    secrets: { openaiApiKey: 'sk-new-key' },
    logs: [
      /Dry run: would replace openai-api-key, metrics-token, backend-auth-key in secret docuchat-prod\/docuchat-secrets/,
    ],
  },
  {
    template: 'backup-database',
    values: { environment: ENVIRONMENT },
    logs: [/Dry run: would create job docuchat-prod\/docuchat-backup-/],
  },
  {
    template: 'restore-database',
    values: {
      environment: ENVIRONMENT,
      backup: 'docuchat-20261201T010000Z.dump',
      confirm: true,
    },
    logs: [
      /Dry run: would scale deployment docuchat-prod\/docuchat-portal from 2 to 0/,
    ],
  },
  {
    template: 'scale-gpu-workers',
    values: { environment: ENVIRONMENT, replicas: 3, maxReplicas: 8 },
    logs: [/Dry run: would set on test\/docuchat-prod: /],
  },
  {
    template: 'run-billing',
    values: { from: '2026-11-30' },
    logs: [/Dry run: would bill 2026-11-30$/m],
  },
  {
    template: 'run-billing',
    values: { from: '2026-11-01', to: '2026-11-30' },
    logs: [/Dry run: would bill 2026-11-01 to 2026-11-30/],
  },
];

describe('templates through the real scaffolder dry-run API', () => {
  let kubernetes: KubernetesTestServer;
  let server: Parameters<typeof request>[0];
  let stop: () => Promise<void>;
  let workDir: string;

  beforeAll(async () => {
    kubernetes = await new KubernetesTestServer().start();
    // The keys the chart's Secret has (charts/docuchat/README.md).
    kubernetes.addSecret(NS, 'docuchat-secrets', {
      'postgres-password': 'db-password',
      'openai-api-key': 'sk-old',
      'zibal-merchant': 'merchant-old',
      'backend-auth-key': 'auth-old',
      'metrics-token': 'metrics-old',
    });
    kubernetes.addDeployment(NS, 'docuchat-portal', 2);
    kubernetes.addDeployment(NS, 'docuchat-inference', 1);
    kubernetes.addHpa(NS, 'docuchat-inference', 1, 4);
    kubernetes.addClaim(NS, 'docuchat-backups');

    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docuchat-templates-'));
    const entitiesFile = path.join(workDir, 'environment.yaml');
    fs.writeFileSync(entitiesFile, JSON.stringify(environmentEntity));

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        scaffolderPlugin,
        githubModule,
        scaffolderModuleDocuchat,
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            catalog: {
              rules: [{ allow: ['Resource', 'Location'] }],
              locations: [{ type: 'file', target: entitiesFile }],
            },
            // publish:github:pull-request builds its client before its
            // dry-run check, so it needs an integration even in a dry run.
            integrations: {
              github: [{ host: 'github.com', token: 'dummy-token' }],
            },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'test',
                      url: kubernetes.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: 'runbook-token',
                      skipTLSVerify: true,
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();

    // The runbooks look the environment up with catalog:fetch: wait until
    // the catalog has processed it.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/resource/default/docuchat-prod`)
        .set('Authorization', mockCredentials.user.header());
      if (res.status === 200) break;
      if (Date.now() > deadline) throw new Error('catalog never had it');
      await new Promise(r => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(async () => {
    await stop?.();
    await kubernetes?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const dryRun = (name: string, c: (typeof cases)[number]) => {
    const dir = path.join(TEMPLATES, name);
    const template = parse(
      fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
    );
    return request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template,
        values: c.values,
        secrets: c.secrets,
        directoryContents: directoryContents(dir),
      });
  };

  it('has a case for every template', () => {
    expect(fs.readdirSync(TEMPLATES).sort()).toEqual([
      ...new Set(cases.map(c => c.template).sort()),
    ]);
  });

  it.each(cases.map(c => [c.template, JSON.stringify(c.values), c] as const))(
    '%s %s: known actions, every step done, nothing written',
    async (name, _values, c) => {
      const res = await dryRun(name, c);
      expect({ status: res.status, error: res.body.error }).toEqual({
        status: 200,
        error: undefined,
      });
      const log: { stepId?: string; status?: string; message: string }[] =
        res.body.log.map((l: { body: any }) => l.body);
      const text = log.map(l => l.message).join('\n');
      expect(text).not.toMatch(/unknown action|not registered|error/i);
      for (const step of res.body.steps) {
        const ends = log.filter(
          l => l.stepId === step.id && l.status && l.status !== 'processing',
        );
        expect([step.id, ends.map(l => l.status)]).toEqual([
          step.id,
          [step.action === 'catalog:register' ? 'skipped' : 'completed'],
        ]);
      }
      for (const pattern of c.logs) expect(text).toMatch(pattern);
      expect(kubernetes.writes).toEqual([]);
    },
  );

  it('new-environment renders the Helm values and the catalog entry', async () => {
    const c = cases.find(x => x.template === 'new-environment')!;
    const res = await dryRun('new-environment', c);
    const files = Object.fromEntries(
      res.body.directoryContents.map(
        (f: { path: string; base64Content: string }) => [
          f.path,
          parse(Buffer.from(f.base64Content, 'base64').toString('utf8')),
        ],
      ),
    );
    expect(Object.keys(files).sort()).toEqual([
      'environments/staging/catalog-info.yaml',
      'environments/staging/values.yaml',
    ]);
    expect(files['environments/staging/values.yaml']).toMatchObject({
      portal: { ingress: { host: 'staging.docuchat.example.com' } },
      inference: { replicas: 0 },
    });
    expect(files['environments/staging/catalog-info.yaml']).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: 'docuchat-staging',
        annotations: {
          'backstage.io/kubernetes-cluster': 'test',
          'backstage.io/kubernetes-namespace': 'docuchat-staging',
        },
      },
      spec: { type: 'docuchat-environment', owner: 'group:default/platform' },
    });
  });
});
