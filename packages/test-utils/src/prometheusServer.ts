import { ChildProcess, execFile, spawn } from 'child_process';
import { promisify } from 'util';
import { mkdtemp, rm, writeFile } from 'fs/promises';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

/** Where the Debian `prometheus` package installs the server. */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
/** Its companion tool, from the same package. */
export const PROMTOOL_BINARY = '/usr/bin/promtool';

/** One scrape job: a single target, optionally with a bearer token. */
export interface ScrapeJob {
  jobName: string;
  /** `host:port` */
  target: string;
  metricsPath: string;
  /** Sent as `Authorization: Bearer <token>` on every scrape. */
  bearerToken?: string;
}

/** One series of a query result (a `value` for vectors, `values` for matrices). */
export interface QueryResult {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

/** A running Prometheus server, private to one test. */
export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  baseURL: string;
  /**
   * `GET /api/v1/<path>` (e.g. `rules`): the `data` of a successful
   * answer; throws with Prometheus's error otherwise.
   */
  api(path: string): Promise<any>;
  /** `GET /api/v1/query`: the result of an instant query, evaluated now. */
  query(promql: string): Promise<QueryResult[]>;
  /** `GET /api/v1/targets`: the active targets with their last scrape. */
  targets(): Promise<
    Array<{
      labels: Record<string, string>;
      health: string;
      lastError: string;
      lastScrape: string;
    }>
  >;
  /** The server's log so far (its stderr), for failure messages. */
  log(): string;
  /** Stops the server and removes its config and storage. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
// Enough for the start-up lines and the errors that explain a failure.
const LOG_LIMIT = 64 * 1024;

/**
 * Starts `prometheus` on a free port of 127.0.0.1 with a scrape config of
 * its own and storage in a fresh temporary directory, and resolves once
 * `/-/ready` answers. Rejects with the server's log if it exits or never
 * becomes ready. The one launcher of the backend's metrics tests and the
 * monitoring checks.
 */
export async function startPrometheusServer(options: {
  jobs: ScrapeJob[];
  /**
   * Prometheus duration, e.g. `1s`: the scrape interval and timeout, and
   * how often rules are evaluated.
   */
  scrapeInterval: string;
  /** Rule files to load (alerting and recording rules). */
  ruleFiles?: string[];
  /**
   * OpenMetrics text backfilled into the storage before the server starts
   * (`promtool tsdb create-blocks-from openmetrics`): history of days past.
   */
  backfill?: string;
}): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'docuchat-prometheus-'));
  if (options.backfill !== undefined) {
    const file = join(dir, 'backfill.om');
    await writeFile(file, options.backfill);
    await promisify(execFile)(PROMTOOL_BINARY, [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      file,
      join(dir, 'data'),
    ]);
  }
  const configFile = join(dir, 'prometheus.yml');
  // JSON is YAML: no YAML writer needed, and quoting is exact.
  await writeFile(
    configFile,
    JSON.stringify(prometheusConfig(options), null, 2),
  );
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;

  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=info',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<string>(resolve => {
    child.once('exit', (code, signal) =>
      resolve(`exited with ${signal ?? `code ${code}`}`),
    );
    child.once('error', error => resolve(`could not start: ${error.message}`));
  });

  const stop = async () => {
    await terminate(child, exited);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(baseURL, exited);
  } catch (error) {
    await stop();
    throw new Error(`Prometheus did not start: ${error}\n--- log ---\n${log}`);
  }

  async function api(path: string): Promise<any> {
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
  }

  return {
    baseURL,
    api,
    async query(promql) {
      const data = await api(`query?query=${encodeURIComponent(promql)}`);
      return data.result;
    },
    async targets() {
      return (await api('targets?state=active')).activeTargets;
    },
    log: () => log,
    stop,
  };
}

function prometheusConfig(options: {
  jobs: ScrapeJob[];
  scrapeInterval: string;
  ruleFiles?: string[];
}) {
  const { jobs, scrapeInterval } = options;
  return {
    global: {
      scrape_interval: scrapeInterval,
      scrape_timeout: scrapeInterval,
      evaluation_interval: scrapeInterval,
    },
    ...(options.ruleFiles && { rule_files: options.ruleFiles }),
    scrape_configs: jobs.map(job => ({
      job_name: job.jobName,
      metrics_path: job.metricsPath,
      static_configs: [{ targets: [job.target] }],
      ...(job.bearerToken !== undefined && {
        authorization: { type: 'Bearer', credentials: job.bearerToken },
      }),
    })),
  };
}

/**
 * A port nobody listens on right now. Another process could take it before
 * Prometheus binds it; the start then fails with the reason in the log.
 */
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

async function waitUntilReady(baseURL: string, exited: Promise<string>) {
  let gone: string | undefined;
  exited.then(reason => (gone = reason));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error(gone);
    try {
      if ((await fetch(`${baseURL}/-/ready`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(
    `${baseURL}/-/ready did not answer within ${READY_TIMEOUT_MS} ms`,
  );
}

/** SIGTERM lets Prometheus close its storage; SIGKILL if it hangs. */
async function terminate(child: ChildProcess, exited: Promise<string>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
