import fs from 'node:fs';
import YAML from 'yaml';
import { find, Manifest, renderChart } from './__testUtils__/helm';
import { networkFlows, PeerNames } from './__testUtils__/networkFlows';
import { chartDir, productionValues } from './__testUtils__/repoPaths';
import { everythingOn } from './__testUtils__/testFixtures';
import { containers, podTemplates } from './__testUtils__/workloads';

const renders: Record<string, () => Manifest[]> = {
  'default values': () => renderChart({ values: everythingOn }),
  'production example': () => renderChart({ valuesFiles: [productionValues] }),
};

describe.each(Object.keys(renders))('policies over the %s', name => {
  const manifests = renders[name]();
  const pods = podTemplates(manifests);

  it('renders the workloads the policies cover', () => {
    expect(pods.map(p => p.owner)).toEqual(
      expect.arrayContaining([
        'Deployment/docuchat-portal',
        'Deployment/docuchat-inference',
        'Job/docuchat-portal-migrate',
        'CronJob/docuchat-backup',
        'Pod/docuchat-portal-test-health',
      ]),
    );
  });

  it.each(pods.map(p => [p.owner, p] as const))(
    '%s runs as a numeric non-root user with seccomp RuntimeDefault',
    (_owner, pod) => {
      expect(pod.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: expect.any(Number),
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.spec.hostNetwork).toBeFalsy();
      expect(pod.spec.hostPID).toBeFalsy();
    },
  );

  it.each(
    containers(pods).map(({ pod, container }) => [
      `${pod.owner} ${container.name}`,
      pod,
      container,
    ]),
  )(
    '%s: restricted security context and limits',
    (_name, _pod, container: any) => {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const kind of ['requests', 'limits']) {
        expect(Object.keys(container.resources[kind])).toEqual(
          expect.arrayContaining(['cpu', 'memory', 'ephemeral-storage']),
        );
      }
    },
  );

  it.each(
    containers(pods.filter(p => p.longRunning)).map(({ pod, container }) => [
      `${pod.owner} ${container.name}`,
      container,
    ]),
  )('%s has startup, liveness and readiness probes', (_name, container) => {
    expect(container.startupProbe).toBeDefined();
    expect(container.livenessProbe).toBeDefined();
    expect(container.readinessProbe).toBeDefined();
  });

  it('every container that writes has a volume for it (read-only root)', () => {
    for (const { pod, container } of containers(pods)) {
      const mounts = (container.volumeMounts ?? []).map(
        (m: any) => m.mountPath,
      );
      if (pod.owner.startsWith('Pod/')) continue; // curl writes nothing
      expect([
        pod.owner,
        mounts.some((m: string) => m === '/tmp' || m === '/data'),
      ]).toEqual([pod.owner, true]);
    }
  });

  it('the portal probes Backstage health and starts slowly enough for migrations', () => {
    const portal = find(manifests, 'Deployment', 'docuchat-portal');
    const container = portal.spec.template.spec.containers[0];
    expect(container.name).toBe('portal');
    expect(container.livenessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/liveness',
    );
    expect(container.readinessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    expect(container.startupProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    const startupSeconds =
      container.startupProbe.periodSeconds *
      container.startupProbe.failureThreshold;
    expect(startupSeconds).toBeGreaterThanOrEqual(600);
  });

  it('the portal outlives its drain period and rolls on config or secret changes', () => {
    const portal = find(manifests, 'Deployment', 'docuchat-portal');
    const config = YAML.parse(
      find(manifests, 'ConfigMap', 'docuchat-portal-config').data[
        'app-config.chart.yaml'
      ],
    );
    const drain = config.backend.lifecycle.serverShutdownDelay.seconds;
    expect(drain).toBeGreaterThan(0);
    expect(
      portal.spec.template.spec.terminationGracePeriodSeconds,
    ).toBeGreaterThan(drain + 10);
    expect(Object.keys(portal.spec.template.metadata.annotations)).toEqual(
      expect.arrayContaining(['checksum/config', 'checksum/secret']),
    );
    expect(portal.spec.strategy.rollingUpdate).toEqual({
      maxSurge: 1,
      maxUnavailable: 0,
    });
  });

  it('the HPAs stay within their bounds and scale down gently', () => {
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'docuchat-portal');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.metrics.map((m: any) => m.resource.name).sort()).toEqual([
      'cpu',
      'memory',
    ]);
    expect(
      hpa.spec.behavior.scaleDown.stabilizationWindowSeconds,
    ).toBeGreaterThanOrEqual(300);
    expect(
      find(manifests, 'Deployment', 'docuchat-portal').spec.replicas,
    ).toBeUndefined();
    const gpu = find(
      manifests,
      'HorizontalPodAutoscaler',
      'docuchat-inference',
    );
    expect(gpu.spec.scaleTargetRef.name).toBe('docuchat-inference');
    expect(gpu.spec.minReplicas).toBeLessThanOrEqual(gpu.spec.maxReplicas);
    expect(
      find(manifests, 'PodDisruptionBudget', 'docuchat-portal').spec
        .maxUnavailable,
    ).toBe(1);
  });

  it('the backup runs daily, never twice at once, and keeps dumps for the retention', () => {
    const cron = find(manifests, 'CronJob', 'docuchat-backup');
    expect(cron.spec.schedule).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(cron.spec.timeZone).toBe('Etc/UTC');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const env = Object.fromEntries(
      pod.containers[0].env.map((e: any) => [e.name, e.value]),
    );
    const values = YAML.parse(
      fs.readFileSync(`${chartDir}/values.yaml`, 'utf8'),
    );
    const retention =
      name === 'production example' ? 30 : values.backup.retentionDays;
    expect(env.DOCUCHAT_RETENTION_DAYS).toBe(String(retention));
    expect(pod.volumes).toContainEqual({
      name: 'backups',
      persistentVolumeClaim: { claimName: 'docuchat-backups' },
    });
    expect(
      find(manifests, 'PersistentVolumeClaim', 'docuchat-backups'),
    ).toBeDefined();
  });

  it('only the portal mounts a Kubernetes API token', () => {
    const withToken = pods
      .filter(p => p.spec.automountServiceAccountToken !== false)
      .map(p => p.owner);
    expect(withToken).toEqual(['Deployment/docuchat-portal']);
  });

  it('no Secret value is written into a ConfigMap', () => {
    const configText = manifests
      .filter(m => m.kind === 'ConfigMap')
      .map(m => JSON.stringify(m.data))
      .join('\n');
    const values = manifests
      .filter(m => m.kind === 'Secret')
      .flatMap(secret => Object.values<string>(secret.data ?? {}))
      .map(encoded => Buffer.from(encoded, 'base64').toString())
      .filter(Boolean);
    expect(values.filter(value => configText.includes(value))).toEqual([]);
  });
});

describe('secrets', () => {
  it('production: every secret comes from an existing Secret, none from chart defaults', () => {
    const manifests = renderChart({ valuesFiles: [productionValues] });
    expect(manifests.filter(m => m.kind === 'Secret')).toEqual([]);
    const refs = podTemplates(manifests).flatMap(pod =>
      pod.spec.containers.flatMap((c: any) =>
        (c.env ?? [])
          .filter((e: any) => e.valueFrom?.secretKeyRef)
          .map((e: any) => e.valueFrom.secretKeyRef.name),
      ),
    );
    expect(new Set(refs)).toEqual(
      new Set([
        'docuchat-portal-secrets',
        'docuchat-database',
        'docuchat-redis',
      ]),
    );
    const monitor = find(manifests, 'ServiceMonitor', 'docuchat-portal');
    expect(monitor.spec.endpoints[0].authorization.credentials).toEqual({
      name: 'docuchat-portal-secrets',
      key: 'metrics-token',
    });
  });

  it('values given for secrets are what the Secret holds', () => {
    const secrets = {
      postgresPassword: 'pg-password-from-values',
      openaiApiKey: 'sk-from-values',
      zibalMerchant: 'merchant-from-values',
      smtpPassword: 'smtp-from-values',
      backendAuthKey: 'external-access-from-values',
      metricsToken: 'metrics-token-from-values',
      redisPassword: 'redis-from-values',
    };
    const secret = find(
      renderChart({ values: { secrets } }),
      'Secret',
      'docuchat-secrets',
    );
    const decoded = Object.fromEntries(
      Object.entries<string>(secret.data).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString(),
      ]),
    );
    expect(decoded).toEqual({
      'postgres-password': secrets.postgresPassword,
      'openai-api-key': secrets.openaiApiKey,
      'zibal-merchant': secrets.zibalMerchant,
      'smtp-password': secrets.smtpPassword,
      'backend-auth-key': secrets.backendAuthKey,
      'metrics-token': secrets.metricsToken,
      'redis-password': secrets.redisPassword,
    });
  });

  it('values.yaml ships no secret: empty ones are generated per install', () => {
    const values = YAML.parse(
      fs.readFileSync(`${chartDir}/values.yaml`, 'utf8'),
    );
    for (const [key, value] of Object.entries(values.secrets)) {
      expect([key, value]).toEqual([key, '']);
    }
    const tokens = [1, 2].map(() => {
      const secret = find(renderChart(), 'Secret', 'docuchat-secrets');
      return secret.data['metrics-token'];
    });
    expect(Buffer.from(tokens[0], 'base64').toString()).toMatch(
      /^[A-Za-z0-9]{32}$/,
    );
    expect(tokens[0]).not.toBe(tokens[1]);
  });
});

describe('network policies allow exactly the flows the portal needs', () => {
  const values = YAML.parse(fs.readFileSync(`${chartDir}/values.yaml`, 'utf8'));
  const np = values.networkPolicy;
  const names = (extra: Record<string, string>): PeerNames => ({
    namespaced: {
      'ingress-controller': np.ingressController,
      prometheus: {
        namespaceSelector: np.prometheus.namespaceSelector,
        podSelector: np.prometheus.podSelector,
      },
      dns: np.dns,
    },
    ipBlocks: {
      [`0.0.0.0/0 except ${np.clusterCidrs.join(',')}`]: 'outside-cluster',
      ...extra,
    },
  });

  it('with the default values and the GPU model server', () => {
    const manifests = renderChart({ values: everythingOn });
    const result = networkFlows(
      manifests,
      names({ '10.0.0.1/32': 'kubernetes-api' }),
    );
    expect(result.oneSided).toEqual([]);
    expect(result.unselected).toEqual([]);
    expect(result.flows).toEqual(
      [
        'ingress-controller -> portal 7007/TCP',
        'prometheus -> portal 7007/TCP',
        'test -> portal 7007/TCP',
        'portal -> dns 53/UDP',
        'portal -> dns 53/TCP',
        'portal -> postgres 5432/TCP',
        'portal -> redis 6379/TCP',
        'portal -> outside-cluster 443/TCP',
        'portal -> kubernetes-api 443/TCP',
        'portal -> prometheus 9090/TCP',
        'portal -> outside-cluster 587/TCP',
        'portal -> inference 8000/TCP',
        'migrate -> dns 53/UDP',
        'migrate -> dns 53/TCP',
        'migrate -> postgres 5432/TCP',
        'migrate -> redis 6379/TCP',
        'migrate -> outside-cluster 443/TCP',
        'inference -> dns 53/UDP',
        'inference -> dns 53/TCP',
        'inference -> outside-cluster 443/TCP',
        'backup -> dns 53/UDP',
        'backup -> dns 53/TCP',
        'backup -> postgres 5432/TCP',
        'test -> dns 53/UDP',
        'test -> dns 53/TCP',
      ].sort(),
    );
    // Default deny: a policy selecting every pod, allowing nothing.
    const deny = find(manifests, 'NetworkPolicy', 'docuchat-default-deny');
    expect(deny.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it('with the production example (external database, Redis and SMTP)', () => {
    const manifests = renderChart({ valuesFiles: [productionValues] });
    const result = networkFlows(
      manifests,
      names({
        '10.96.0.1/32': 'kubernetes-api',
        '172.20.10.5/32': 'kubernetes-api',
        '10.20.0.0/24': 'external-postgres',
        '10.20.1.0/24': 'external-redis',
        '185.143.232.10/32': 'smtp-server',
      }),
    );
    expect(result.oneSided).toEqual([]);
    expect(result.unselected).toEqual([]);
    expect(result.flows).toEqual(
      [
        'ingress-controller -> portal 7007/TCP',
        'prometheus -> portal 7007/TCP',
        'test -> portal 7007/TCP',
        'portal -> dns 53/UDP',
        'portal -> dns 53/TCP',
        'portal -> external-postgres 5432/TCP',
        'portal -> external-redis 6379/TCP',
        'portal -> outside-cluster 443/TCP',
        'portal -> kubernetes-api 443/TCP',
        'portal -> prometheus 9090/TCP',
        'portal -> smtp-server 587/TCP',
        'portal -> inference 8000/TCP',
        'migrate -> dns 53/UDP',
        'migrate -> dns 53/TCP',
        'migrate -> external-postgres 5432/TCP',
        'migrate -> external-redis 6379/TCP',
        'migrate -> outside-cluster 443/TCP',
        'inference -> dns 53/UDP',
        'inference -> dns 53/TCP',
        'inference -> outside-cluster 443/TCP',
        'backup -> dns 53/UDP',
        'backup -> dns 53/TCP',
        'backup -> external-postgres 5432/TCP',
        'test -> dns 53/UDP',
        'test -> dns 53/TCP',
      ].sort(),
    );
  });

  it('an egress rule with no destination would allow everything: never rendered', () => {
    for (const manifests of [
      renderChart({ values: everythingOn }),
      renderChart({ valuesFiles: [productionValues] }),
    ]) {
      for (const policy of manifests.filter(m => m.kind === 'NetworkPolicy')) {
        for (const rule of policy.spec.egress ?? []) {
          expect([policy.metadata.name, rule.to?.length > 0]).toEqual([
            policy.metadata.name,
            true,
          ]);
        }
        for (const rule of policy.spec.ingress ?? []) {
          expect([policy.metadata.name, rule.from?.length > 0]).toEqual([
            policy.metadata.name,
            true,
          ]);
        }
      }
    }
  });
});
