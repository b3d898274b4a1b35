import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { repoRoot } from './__testUtils__/repoPaths';

const compose = YAML.parse(
  fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'),
);

describe('docker-compose.yml', () => {
  it('parses, with PostgreSQL + pgvector, Redis, the portal, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'grafana',
      'portal',
      'postgres',
      'prometheus',
      'redis',
    ]);
    expect(compose.services.postgres.image).toMatch(/^pgvector\/pgvector:/);
    expect(compose.services.portal.build.dockerfile).toBe(
      'packages/backend/Dockerfile',
    );
  });

  it('every file or folder it mounts or builds from exists in the repository', () => {
    const sources: string[] = [];
    for (const service of Object.values<any>(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(':')[0];
        if (source.startsWith('.')) sources.push(source);
      }
      if (service.build) {
        sources.push(
          service.build.context,
          path.join(service.build.context, service.build.dockerfile),
        );
      }
    }
    expect(sources.sort()).toEqual(
      [
        '.',
        'packages/backend/Dockerfile',
        './monitoring/grafana',
        './monitoring/grafana-provisioning',
        './monitoring/prometheus',
      ].sort(),
    );
    const missing = sources.filter(
      source => !fs.existsSync(path.join(repoRoot, source)),
    );
    expect(missing).toEqual([]);
  });

  it('the portal runs as in Kubernetes: uid 1000, read-only root, the metrics token from the environment', () => {
    const portal = compose.services.portal;
    expect(portal.user).toBe('1000');
    expect(portal.read_only).toBe(true);
    expect(portal.environment.DOCUCHAT_METRICS_TOKEN).toMatch(
      /^\$\{DOCUCHAT_METRICS_TOKEN:\?/,
    );
    expect(compose.secrets.metrics_token).toEqual({
      environment: 'DOCUCHAT_METRICS_TOKEN',
    });
    expect(compose.services.prometheus.secrets).toEqual(['metrics_token']);
  });

  it("Prometheus's config passes promtool and scrapes the portal with the bearer token", () => {
    const config = YAML.parse(
      fs.readFileSync(
        path.join(repoRoot, 'monitoring/prometheus/prometheus.yml'),
        'utf8',
      ),
    );
    const job = config.scrape_configs.find(
      (j: any) => j.job_name === 'docuchat',
    );
    expect(job.metrics_path).toBe('/api/docuchat/metrics');
    expect(job.static_configs[0].targets).toEqual(['portal:7007']);
    expect(job.authorization.credentials_file).toBe(
      '/run/secrets/metrics_token',
    );

    // promtool checks that the token file exists: point it at a real one.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docuchat-prometheus-'));
    fs.writeFileSync(path.join(dir, 'token'), 'a'.repeat(32));
    job.authorization.credentials_file = path.join(dir, 'token');
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), YAML.stringify(config));
    const result = spawnSync(
      'promtool',
      ['check', 'config', path.join(dir, 'prometheus.yml')],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it("Grafana's provisioning points at Prometheus and the mounted dashboards", () => {
    const datasources = YAML.parse(
      fs.readFileSync(
        path.join(
          repoRoot,
          'monitoring/grafana-provisioning/datasources/prometheus.yml',
        ),
        'utf8',
      ),
    );
    expect(datasources.datasources[0].url).toBe('http://prometheus:9090');
    const dashboards = YAML.parse(
      fs.readFileSync(
        path.join(
          repoRoot,
          'monitoring/grafana-provisioning/dashboards/docuchat.yml',
        ),
        'utf8',
      ),
    );
    const mounted = compose.services.grafana.volumes
      .map((v: string) => v.split(':')[1])
      .filter(Boolean);
    expect(mounted).toContain(dashboards.providers[0].options.path);
  });
});
