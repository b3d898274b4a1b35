import { ChildProcess, spawn } from 'child_process';
import { mkdtemp, rm, writeFile } from 'fs/promises';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

/*
 * A real Prometheus for the checks, like the backend's metrics tests start
 * (plugins/docuchat-backend/src/metrics/__testUtils__/prometheusServer.ts,
 * which that package does not export): this one also loads rule files.
 */

/** Where the Debian `prometheus` package installs the server and promtool. */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
export const PROMTOOL_BINARY = '/usr/bin/promtool';

export interface RunningPrometheus {
  /** `GET /api/v1/<path>`: the `data` of a successful answer; throws otherwise. */
  api(path: string): Promise<any>;
  log(): string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
const LOG_LIMIT = 64 * 1024;

/**
 * Starts Prometheus on a free port of 127.0.0.1 with `ruleFiles` loaded and
 * one scrape job (`docuchat` unless `jobName` says otherwise) of `targets`
 * at `metricsPath`, every second (rules too) unless the intervals are given;
 * with `bearerToken`, scrapes send it as the metrics route expects.
 */
export async function startPrometheus(options: {
  ruleFiles: string[];
  targets: string[];
  metricsPath: string;
  jobName?: string;
  bearerToken?: string;
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
}): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'docuchat-monitoring-'));
  const configFile = join(dir, 'prometheus.yml');
  // JSON is YAML.
  await writeFile(
    configFile,
    JSON.stringify({
      global: {
        scrape_interval: `${options.scrapeIntervalSeconds ?? 1}s`,
        scrape_timeout: `${options.scrapeIntervalSeconds ?? 1}s`,
        evaluation_interval: `${options.evaluationIntervalSeconds ?? 1}s`,
      },
      rule_files: options.ruleFiles,
      scrape_configs: [
        {
          job_name: options.jobName ?? 'docuchat',
          metrics_path: options.metricsPath,
          static_configs: [{ targets: options.targets }],
          ...(options.bearerToken && {
            authorization: { credentials: options.bearerToken },
          }),
        },
      ],
    }),
  );
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>(resolve => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const stop = async () => {
    await terminate(child, exited);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Prometheus exited:\n${log}`);
    }
    const ready = await fetch(`${baseURL}/-/ready`).then(
      res => res.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus was not ready in time:\n${log}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }

  return {
    async api(path) {
      const res = await fetch(`${baseURL}/api/v1/${path}`);
      const body: any = await res.json().catch(() => undefined);
      if (!res.ok || body?.status !== 'success') {
        throw new Error(
          `Prometheus /api/v1/${path} answered ${res.status}: ${
            body?.error ?? JSON.stringify(body)
          }`,
        );
      }
      return body.data;
    },
    log: () => log,
    stop,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function terminate(child: ChildProcess, exited: Promise<void>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
