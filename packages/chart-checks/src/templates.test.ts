import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  chartCopy,
  find,
  helm,
  Manifest,
  renderChart,
  renderError,
} from './__testUtils__/helm';
import { chartDir, productionValues } from './__testUtils__/repoPaths';
import {
  chartWithMonitoringFiles,
  everythingOn,
} from './__testUtils__/testFixtures';

const has = (manifests: Manifest[], kind: string, name: string) =>
  manifests.some(m => m.kind === kind && m.metadata.name === name);

const appConfig = (
  manifests: Manifest[],
  configMap = 'docuchat-portal-config',
) =>
  YAML.parse(
    find(manifests, 'ConfigMap', configMap).data['app-config.chart.yaml'],
  );

const envOf = (container: any) =>
  Object.fromEntries(container.env.map((e: any) => [e.name, e]));

const external = {
  database: {
    bundled: { enabled: false },
    external: { enabled: true, host: 'pg.example.internal' },
  },
  networkPolicy: { externalDatabaseCidrs: ['10.20.0.0/24'] },
};

describe('portal (deployment, service, configmap)', () => {
  const manifests = renderChart();
  const deployment = find(manifests, 'Deployment', 'docuchat-portal');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('runs the image as uid 1000 with the chart app-config after the image ones', () => {
    expect(container.image).toBe('ghcr.io/docuchat/docuchat-portal:0.1.0');
    expect(container.args).toEqual([
      'node',
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
      '--config',
      '/app/config/app-config.chart.yaml',
    ]);
    expect(pod.securityContext.runAsUser).toBe(1000);
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/app/config', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(pod.volumes[1]).toEqual({
      name: 'tmp',
      emptyDir: { sizeLimit: '512Mi' },
    });
  });

  it('spreads replicas over zones and nodes', () => {
    expect(
      pod.topologySpreadConstraints.map((t: any) => t.topologyKey),
    ).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });

  it('takes every secret from the Secret, optional ones optionally', () => {
    const env = envOf(container);
    expect(env.POSTGRES_PASSWORD.valueFrom.secretKeyRef).toEqual({
      name: 'docuchat-secrets',
      key: 'postgres-password',
    });
    expect(env.DOCUCHAT_METRICS_TOKEN.valueFrom.secretKeyRef.key).toBe(
      'metrics-token',
    );
    expect(env.BACKEND_AUTH_KEY.valueFrom.secretKeyRef.key).toBe(
      'backend-auth-key',
    );
    for (const [name, key] of [
      ['OPENAI_API_KEY', 'openai-api-key'],
      ['ZIBAL_MERCHANT', 'zibal-merchant'],
      ['SMTP_PASSWORD', 'smtp-password'],
    ]) {
      expect(env[name].valueFrom.secretKeyRef).toEqual({
        name: 'docuchat-secrets',
        key,
        optional: true,
      });
    }
    expect(env.REDIS_URL.value).toBe(
      'redis://:$(REDIS_PASSWORD)@docuchat-redis:6379',
    );
  });

  it('the app-config: drain period, database, cache, metrics token, external access', () => {
    const config = appConfig(manifests);
    expect(config.backend.lifecycle).toEqual({
      serverShutdownDelay: { seconds: 15 },
    });
    expect(config.backend.listen).toBe(':7007');
    expect(config.backend.database).toMatchObject({
      client: 'pg',
      pluginDivisionMode: 'schema',
      connection: { database: 'docuchat', password: '${POSTGRES_PASSWORD}' },
    });
    expect(config.backend.cache).toEqual({
      store: 'redis',
      connection: '${REDIS_URL}',
    });
    expect(config.docuchat.metrics).toEqual({
      public: false,
      bearerToken: '${DOCUCHAT_METRICS_TOKEN}',
    });
    expect(config.backend.auth.externalAccess).toEqual([
      {
        type: 'static',
        options: { token: '${BACKEND_AUTH_KEY}', subject: 'docuchat-deploy' },
      },
    ]);
    expect(config.docuchat.openai.apiKey).toBe('${OPENAI_API_KEY:-}');
    expect(config.docuchat.chat.models).toEqual([{ model: 'gpt-4o-mini' }]);
  });

  it('portal.appConfig is merged over the chart app-config', () => {
    const config = appConfig(
      renderChart({
        values: {
          portal: {
            appConfig: {
              backend: {
                lifecycle: { startupRequestPauseTimeout: { seconds: 5 } },
              },
              docuchat: { demo: { enabled: false } },
            },
          },
        },
      }),
    );
    expect(config.backend.lifecycle).toEqual({
      serverShutdownDelay: { seconds: 15 },
      startupRequestPauseTimeout: { seconds: 5 },
    });
    expect(config.docuchat.demo).toEqual({ enabled: false });
  });

  it('a change of app-config changes the pod template (rolls the pods)', () => {
    const other = renderChart({
      values: { portal: { baseUrl: 'https://other.example.com' } },
    });
    const annotations = (m: Manifest[]) =>
      find(m, 'Deployment', 'docuchat-portal').spec.template.metadata
        .annotations;
    expect(annotations(other)['checksum/config']).not.toBe(
      annotations(manifests)['checksum/config'],
    );
  });

  it('the Service targets the portal pods on http', () => {
    const service = find(manifests, 'Service', 'docuchat-portal');
    expect(service.spec.selector['app.kubernetes.io/component']).toBe('portal');
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
  });

  it('fails when the grace period does not cover the drain period', () => {
    expect(
      renderError({
        values: {
          portal: { drainSeconds: 30, terminationGracePeriodSeconds: 40 },
        },
      }),
    ).toContain(
      'portal.terminationGracePeriodSeconds (40) must be at least portal.drainSeconds (30) + 15',
    );
  });
});

describe('service account and RBAC', () => {
  it('the portal runs as its ServiceAccount, bound to a namespaced Role', () => {
    const manifests = renderChart();
    const pod = find(manifests, 'Deployment', 'docuchat-portal').spec.template
      .spec;
    expect(pod.serviceAccountName).toBe('docuchat-portal');
    expect(has(manifests, 'ServiceAccount', 'docuchat-portal')).toBe(true);
    const binding = find(manifests, 'RoleBinding', 'docuchat-portal');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'docuchat-portal',
    });
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: 'docuchat-portal',
        namespace: 'docuchat',
      },
    ]);
    expect(manifests.map(m => m.kind)).not.toContain('ClusterRole');
  });

  it('the Role may change only the release Secret, and no other Secret', () => {
    const role = find(renderChart(), 'Role', 'docuchat-portal');
    const secretRules = role.rules.filter((r: any) =>
      r.resources.includes('secrets'),
    );
    expect(secretRules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['docuchat-secrets'],
        verbs: ['get', 'patch', 'update'],
      },
    ]);
    expect(role.rules.flatMap((r: any) => r.verbs)).not.toContain('*');
  });

  it('rbac.create and serviceAccount.create can be turned off', () => {
    const manifests = renderChart({
      values: { rbac: { create: false }, serviceAccount: { create: false } },
    });
    expect(manifests.map(m => m.kind)).not.toContain('Role');
    expect(manifests.map(m => m.kind)).not.toContain('ServiceAccount');
    const pod = find(manifests, 'Deployment', 'docuchat-portal').spec.template
      .spec;
    expect(pod.serviceAccountName).toBe('default');
  });
});

describe('ingress', () => {
  it('serves the host over TLS; cert-manager only when asked', () => {
    const plain = find(renderChart(), 'Ingress', 'docuchat-portal');
    expect(plain.metadata.annotations).toBeUndefined();
    expect(plain.spec.tls).toEqual([
      { hosts: ['docuchat.example.com'], secretName: 'docuchat-tls' },
    ]);
    expect(plain.spec.ingressClassName).toBe('nginx');
    const managed = find(
      renderChart({ values: { ingress: { certManager: { enabled: true } } } }),
      'Ingress',
      'docuchat-portal',
    );
    expect(managed.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt',
    });
  });

  it('can be turned off', () => {
    const manifests = renderChart({ values: { ingress: { enabled: false } } });
    expect(manifests.filter(m => m.kind === 'Ingress')).toEqual([]);
  });

  it('fails without a host', () => {
    expect(renderError({ values: { ingress: { host: '' } } })).toContain(
      'ingress.host is required when ingress.enabled is true',
    );
  });
});

describe('autoscaling and disruption budget', () => {
  it('without the HPA the Deployment has fixed replicas', () => {
    const manifests = renderChart({
      values: { autoscaling: { enabled: false }, portal: { replicas: 3 } },
    });
    expect(find(manifests, 'Deployment', 'docuchat-portal').spec.replicas).toBe(
      3,
    );
    expect(manifests.filter(m => m.kind === 'HorizontalPodAutoscaler')).toEqual(
      [],
    );
    expect(has(manifests, 'PodDisruptionBudget', 'docuchat-portal')).toBe(true);
  });

  it('one fixed replica gets no PodDisruptionBudget (it would block node drains)', () => {
    const manifests = renderChart({
      values: { autoscaling: { enabled: false }, portal: { replicas: 1 } },
    });
    expect(has(manifests, 'PodDisruptionBudget', 'docuchat-portal')).toBe(
      false,
    );
  });

  it('fails when minReplicas exceeds maxReplicas', () => {
    expect(
      renderError({
        values: { autoscaling: { minReplicas: 5, maxReplicas: 3 } },
      }),
    ).toContain(
      'autoscaling.minReplicas (5) is greater than autoscaling.maxReplicas (3)',
    );
  });
});

describe('secrets', () => {
  it('existingSecret: no Secret is made and every reference points at it', () => {
    const manifests = renderChart({
      values: { secrets: { existingSecret: 'mine' } },
    });
    expect(manifests.filter(m => m.kind === 'Secret')).toEqual([]);
    const env = envOf(
      find(manifests, 'Deployment', 'docuchat-portal').spec.template.spec
        .containers[0],
    );
    expect(env.POSTGRES_PASSWORD.valueFrom.secretKeyRef.name).toBe('mine');
    expect(env.DOCUCHAT_METRICS_TOKEN.valueFrom.secretKeyRef.name).toBe('mine');
  });

  it.each([
    [
      { secrets: { metricsToken: 'x'.repeat(20) } },
      'secrets.backendAuthKey is empty and would be generated',
    ],
    [
      { secrets: { metricsToken: '', backendAuthKey: 'x'.repeat(20) } },
      'secrets.metricsToken is empty and would be generated',
    ],
    [
      {
        secrets: {
          metricsToken: 'x'.repeat(20),
          backendAuthKey: 'y'.repeat(20),
        },
      },
      'the database password would be generated',
    ],
  ])('production refuses generated secrets (%#)', (values, message) => {
    expect(
      renderError({ values: { production: true, ...external, ...values } }),
    ).toContain(message);
  });

  it('production refuses the bundled database', () => {
    expect(renderError({ values: { production: true } })).toContain(
      'production: the bundled PostgreSQL is for trials; use database.external',
    );
  });
});

describe('database', () => {
  it('bundled: a pgvector StatefulSet with a PVC, non-root, its own Service', () => {
    const manifests = renderChart();
    const sts = find(manifests, 'StatefulSet', 'docuchat-postgres');
    const container = sts.spec.template.spec.containers[0];
    expect(container.image).toMatch(/^pgvector\/pgvector:0\.8\.\d+-pg17$/);
    expect(sts.spec.template.spec.securityContext.runAsUser).toBe(999);
    expect(
      sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage,
    ).toBe('10Gi');
    expect(envOf(container).POSTGRES_DB.value).toBe('docuchat');
    expect(
      find(manifests, 'Service', 'docuchat-postgres').spec.ports[0].port,
    ).toBe(5432);
  });

  it('external: no StatefulSet; host, TLS mode and its own Secret reach the portal', () => {
    const manifests = renderChart({
      values: {
        ...external,
        database: {
          ...external.database,
          external: {
            ...external.database.external,
            existingSecret: 'pg',
            passwordKey: 'pw',
          },
        },
      },
    });
    expect(manifests.filter(m => m.kind === 'StatefulSet')).toEqual([]);
    const env = envOf(
      find(manifests, 'Deployment', 'docuchat-portal').spec.template.spec
        .containers[0],
    );
    expect(env.POSTGRES_HOST.value).toBe('pg.example.internal');
    expect(env.PGSSLMODE.value).toBe('require');
    expect(env.POSTGRES_PASSWORD.valueFrom.secretKeyRef).toEqual({
      name: 'pg',
      key: 'pw',
    });
  });

  it.each([
    [
      { database: { external: { enabled: true, host: 'x' } } },
      'set either database.external.enabled or database.bundled.enabled, not both',
    ],
    [
      { database: { bundled: { enabled: false } } },
      'enable database.external (with host) or database.bundled',
    ],
    [
      {
        database: { bundled: { enabled: false }, external: { enabled: true } },
      },
      'database.external.host is required',
    ],
    [
      { ...external, networkPolicy: { externalDatabaseCidrs: [] } },
      "networkPolicy.externalDatabaseCidrs must list the external database's addresses",
    ],
  ])('fails on contradictory database values (%#)', (values, message) => {
    expect(renderError({ values })).toContain(message);
  });
});

describe('redis', () => {
  it('bundled: password-protected cache without persistence', () => {
    const redis = find(renderChart(), 'Deployment', 'docuchat-redis');
    const container = redis.spec.template.spec.containers[0];
    expect(container.args).toEqual(
      expect.arrayContaining([
        '--requirepass',
        '$(REDIS_PASSWORD)',
        '--save',
        '',
      ]),
    );
  });

  it('external from a Secret', () => {
    const manifests = renderChart({
      values: {
        redis: {
          bundled: { enabled: false },
          external: { enabled: true, existingSecret: 'r' },
        },
        networkPolicy: { externalRedis: { cidrs: ['10.1.0.0/24'] } },
      },
    });
    expect(has(manifests, 'Deployment', 'docuchat-redis')).toBe(false);
    const env = envOf(
      find(manifests, 'Deployment', 'docuchat-portal').spec.template.spec
        .containers[0],
    );
    expect(env.REDIS_URL.valueFrom.secretKeyRef).toEqual({
      name: 'r',
      key: 'redis-url',
    });
  });

  it('none: the in-memory cache', () => {
    const manifests = renderChart({
      values: { redis: { bundled: { enabled: false } } },
    });
    expect(appConfig(manifests).backend.cache).toEqual({ store: 'memory' });
  });

  it.each([
    [
      { redis: { external: { enabled: true, url: 'redis://r:6379' } } },
      'set either redis.external.enabled or redis.bundled.enabled, not both',
    ],
    [
      { redis: { bundled: { enabled: false }, external: { enabled: true } } },
      'redis.external needs url or existingSecret',
    ],
    [
      {
        redis: {
          bundled: { enabled: false },
          external: { enabled: true, url: 'redis://r:6379' },
        },
      },
      "networkPolicy.externalRedis.cidrs must list the external Redis's addresses",
    ],
  ])('fails on contradictory redis values (%#)', (values, message) => {
    expect(renderError({ values })).toContain(message);
  });
});

describe('migrations', () => {
  it('a pre-upgrade hook Job runs the new image with the new app-config', () => {
    const manifests = renderChart();
    const job = find(manifests, 'Job', 'docuchat-portal-migrate');
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-upgrade');
    const configMap = find(manifests, 'ConfigMap', 'docuchat-portal-migrate');
    expect(configMap.metadata.annotations['helm.sh/hook-weight']).toBe('-10');
    expect(appConfig(manifests, 'docuchat-portal-migrate')).toEqual(
      appConfig(manifests),
    );
    const container = job.spec.template.spec.containers[0];
    expect(container.command.slice(0, 3)).toEqual([
      'node',
      '/app/config/migrate.mjs',
      'node',
    ]);
    expect(container.image).toBe(
      find(manifests, 'Deployment', 'docuchat-portal').spec.template.spec
        .containers[0].image,
    );
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('runs before the first install too when the database and Secret already exist', () => {
    const job = find(
      renderChart({ valuesFiles: [productionValues] }),
      'Job',
      'docuchat-portal-migrate',
    );
    expect(job.metadata.annotations['helm.sh/hook']).toBe(
      'pre-install,pre-upgrade',
    );
  });

  it('can be turned off', () => {
    const manifests = renderChart({
      values: { migrations: { job: { enabled: false } } },
    });
    expect(manifests.filter(m => m.kind === 'Job')).toEqual([]);
  });
});

describe('GPU inference', () => {
  it('is off by default', () => {
    const manifests = renderChart();
    expect(has(manifests, 'Deployment', 'docuchat-inference')).toBe(false);
    expect(
      has(manifests, 'HorizontalPodAutoscaler', 'docuchat-inference'),
    ).toBe(false);
  });

  it('on: GPU resources, node selector, tolerations, its HPA and the fallback model', () => {
    const manifests = renderChart({ values: everythingOn });
    const deployment = find(manifests, 'Deployment', 'docuchat-inference');
    const pod = deployment.spec.template.spec;
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(pod.tolerations).toContainEqual({
      key: 'nvidia.com/gpu',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    expect(deployment.spec.replicas).toBeUndefined();
    expect(
      find(manifests, 'HorizontalPodAutoscaler', 'docuchat-inference').spec,
    ).toMatchObject({
      minReplicas: 1,
      maxReplicas: 4,
    });
    expect(appConfig(manifests).docuchat.chat.models).toEqual([
      { model: 'gpt-4o-mini' },
      {
        model: 'Qwen/Qwen2.5-7B-Instruct',
        baseURL: 'http://docuchat-inference:8000/v1',
        apiKey: 'in-cluster',
      },
    ]);
  });

  it('fails when its minReplicas exceeds maxReplicas', () => {
    expect(
      renderError({
        values: {
          inference: {
            enabled: true,
            autoscaling: { minReplicas: 3, maxReplicas: 2 },
          },
        },
      }),
    ).toContain(
      'inference.autoscaling.minReplicas is greater than inference.autoscaling.maxReplicas',
    );
  });
});

describe('backup', () => {
  it('keeps the backups PVC when the release is deleted', () => {
    const pvc = find(
      renderChart(),
      'PersistentVolumeClaim',
      'docuchat-backups',
    );
    expect(pvc.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
  });

  it('uses the release name the runbooks derive names from', () => {
    const manifests = renderChart({ release: 'prod' });
    expect(has(manifests, 'PersistentVolumeClaim', 'prod-backups')).toBe(true);
    expect(has(manifests, 'Deployment', 'prod-portal')).toBe(true);
    expect(has(manifests, 'Secret', 'prod-secrets')).toBe(true);
  });

  it('can be turned off', () => {
    const manifests = renderChart({ values: { backup: { enabled: false } } });
    expect(manifests.filter(m => m.kind === 'CronJob')).toEqual([]);
  });
});

describe('network policies', () => {
  it('can be turned off, and the default deny on its own', () => {
    expect(
      renderChart({ values: { networkPolicy: { enabled: false } } }).filter(
        m => m.kind === 'NetworkPolicy',
      ),
    ).toEqual([]);
    const manifests = renderChart({
      values: { networkPolicy: { defaultDeny: false } },
    });
    expect(has(manifests, 'NetworkPolicy', 'docuchat-default-deny')).toBe(
      false,
    );
    expect(has(manifests, 'NetworkPolicy', 'docuchat-portal')).toBe(true);
  });
});

describe('monitoring', () => {
  it('is off by default (needs the Prometheus Operator CRDs)', () => {
    const kinds = renderChart().map(m => m.kind);
    expect(kinds).not.toContain('ServiceMonitor');
    expect(kinds).not.toContain('PrometheusRule');
  });

  it('ServiceMonitor: the metrics path with the bearer token', () => {
    const monitor = find(
      renderChart({ values: everythingOn }),
      'ServiceMonitor',
      'docuchat-portal',
    );
    expect(monitor.spec.endpoints).toEqual([
      {
        port: 'http',
        path: '/api/docuchat/metrics',
        scheme: 'http',
        interval: '30s',
        authorization: {
          type: 'Bearer',
          credentials: { name: 'docuchat-secrets', key: 'metrics-token' },
        },
      },
    ]);
  });

  it('PrometheusRule: the rule file, minus disabled alerts, plus extraRules', () => {
    const chart = chartWithMonitoringFiles();
    const all = find(
      renderChart({ chart, values: everythingOn }),
      'PrometheusRule',
      'docuchat',
    );
    expect(all.spec.groups.map((g: any) => g.name)).toEqual([
      'docuchat-availability',
      'docuchat-billing',
    ]);
    expect(all.spec.groups[0].rules[1].annotations.summary).toBe(
      '5xx above 5 % on {{ $labels.route }}',
    );
    const some = find(
      renderChart({
        chart,
        values: {
          ...everythingOn,
          monitoring: {
            ...everythingOn.monitoring,
            prometheusRule: {
              enabled: true,
              disabledAlerts: [
                'DocuChatBillingRunMissed',
                'DocuChatHighErrorRate',
              ],
              extraRules: [
                {
                  name: 'site',
                  rules: [{ alert: 'SiteDown', expr: 'up == 0' }],
                },
              ],
            },
          },
        },
      }),
      'PrometheusRule',
      'docuchat',
    );
    expect(
      some.spec.groups.map((g: any) => [
        g.name,
        g.rules.map((r: any) => r.alert ?? r.record),
      ]),
    ).toEqual([
      ['docuchat-availability', ['docuchat:http_requests:rate5m']],
      ['site', ['SiteDown']],
    ]);
  });

  it('PrometheusRule is not rendered without rules', () => {
    const chart = chartCopy({});
    // The copy carries the monitoring checks' rules: take them out.
    fs.rmSync(path.join(chart, 'files/prometheus'), {
      recursive: true,
      force: true,
    });
    const manifests = renderChart({ chart, values: everythingOn });
    expect(manifests.map(m => m.kind)).not.toContain('PrometheusRule');
  });

  it('Grafana dashboards: one labelled ConfigMap per file', () => {
    const manifests = renderChart({
      chart: chartWithMonitoringFiles(),
      values: everythingOn,
    });
    const dashboard = find(
      manifests,
      'ConfigMap',
      'docuchat-dashboard-fixture-overview',
    );
    expect(dashboard.metadata.labels.grafana_dashboard).toBe('1');
    expect(dashboard.metadata.annotations).toEqual({
      grafana_folder: 'DocuChat',
    });
    expect(JSON.parse(dashboard.data['fixture-overview.json']).uid).toBe(
      'fixture-overview',
    );
  });
});

describe('helm test hook and NOTES', () => {
  it('the test pod calls the readiness endpoint through the Service', () => {
    const pod = find(renderChart(), 'Pod', 'docuchat-portal-test-health');
    expect(pod.metadata.annotations['helm.sh/hook']).toBe('test');
    expect(pod.spec.containers[0].command).toContain(
      'http://docuchat-portal:80/.backstage/health/v1/readiness',
    );
  });

  it('NOTES name the Secret, the backups and the trial database warning', () => {
    const result = helm([
      'install',
      'docuchat',
      chartDir,
      '--dry-run=client',
      '-n',
      'docuchat',
    ]);
    expect(result.status).toBe(0);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    expect(notes).toContain('Secret docuchat-secrets');
    expect(notes).toContain(
      'docuchat-<UTC yyyymmddThhmmssZ>.dump, kept 14 days',
    );
    expect(notes).toContain(
      'the bundled PostgreSQL (one replica, no failover) is for trials',
    );
  });
});
