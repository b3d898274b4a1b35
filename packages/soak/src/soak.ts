import {
  PROMETHEUS_BINARY,
  PrometheusServer,
  startPrometheusServer,
} from '@internal/docuchat-test-utils';
import { REPOSITORY_ROOT } from '@internal/monitoring';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  backendConfig,
  OPERATORS_GROUP,
  SOAK_SETTINGS,
} from './cluster/backendConfig';
import { Cluster } from './cluster/cluster';
import { startLoadBalancer } from './cluster/proxy';
import { Replica } from './cluster/replica';
import { startFaultyOpenAi } from './fakes/faultyOpenAi';
import { runFaults } from './faults/executor';
import { describeFault, planFaults, PlannedFault } from './faults/schedule';
import { checkInvariants, formatResults } from './invariants';
import { Api } from './load/api';
import { billFromTwoReplicas, seededDays, seedUsage } from './load/billingLoad';
import { startLoad } from './load/load';
import { AlertInterval, alertTimeline, peak } from './observe/alertTimeline';
import { readDatabase, waitForQuiet } from './observe/readDatabase';
import { SoakOptions } from './options';
import { SoakRecord } from './record';
import { startOwnPostgres } from './servers/ownPostgres';
import { startOwnRedis } from './servers/ownRedis';
import { sleep, waitFor } from './servers/run';
import {
  seededRandom,
  startSmtpTestServer,
  startZibalTestServer,
} from './testServers';

const TIME_ZONE = 'Asia/Tehran';
/** The load goes on this long after the last fault, so recovery is measured. */
const AFTER_LAST_FAULT_MS = 15_000;
/** Faults not started by the planned end plus this are skipped. */
const FAULT_OVERRUN_MS = 60_000;
const PLUGIN_DATABASE = 'backstage_plugin_docuchat';

/** What a run found; `breaches` decides the exit code. */
export interface SoakResult {
  record: SoakRecord;
  breaches: number;
  report: string;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const log = (line: string) =>
    process.stdout.write(
      `[soak ${((Date.now() - started) / 1000)
        .toFixed(0)
        .padStart(4)} s] ${line}\n`,
    );
  if (options.prometheus && !existsSync(PROMETHEUS_BINARY)) {
    throw new Error(
      `No ${PROMETHEUS_BINARY}: install Debian's prometheus (apt-get install --no-install-recommends prometheus) or run with --no-prometheus`,
    );
  }
  const random = seededRandom(options.seed);
  const loadMs = options.minutes * 60_000;
  const plan = planFaults(loadMs / 1000, random);
  const logDir = options.logDir ?? `/tmp/docuchat-soak-${options.seed}`;
  await mkdir(logDir, { recursive: true });

  log(
    `seed ${options.seed}, ${options.minutes} min of load, OpenAI fault rate ${options.faultRate}, ${options.askers} askers, ${options.tenants} tenants; logs in ${logDir}`,
  );
  log('fault schedule (seconds after the load starts):');
  for (const fault of plan)
    log(`  ${String(fault.at).padStart(4)}  ${describeFault(fault)}`);

  const record: SoakRecord = {
    seed: options.seed,
    minutes: options.minutes,
    timeZone: TIME_ZONE,
    abandonedCallMs: SOAK_SETTINGS.abandonedCallSeconds * 1000,
    load: { start: 0, end: 0 },
    faults: [],
    processes: [],
    openAiCalls: [],
    ledger: [],
    documents: [],
    uploads: [],
    asks: [],
    requests: [],
    retried: [],
    invoices: [],
    invoiceLines: [],
    billedDays: [],
    payments: [],
    paymentActions: [],
  };

  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      await fn().catch(error => log(`cleanup: ${error}`));
    }
  };
  let alerts: AlertInterval[] = [];
  let skipped: PlannedFault[] = [];
  let availabilityPeak: { value: number; at: number } | undefined;
  try {
    const postgres = await startOwnPostgres(options.postgresPort);
    cleanups.push(() => postgres.destroy());
    const redis = await startOwnRedis(options.redisPort);
    cleanups.push(() => redis.destroy());
    log(`own PostgreSQL 17 on :${postgres.port}, own Redis on :${redis.port}`);

    const openAi = await startFaultyOpenAi({
      random: seededRandom(options.seed + 1),
      faultRate: options.faultRate,
    });
    cleanups.push(() => openAi.close());
    record.openAiCalls = openAi.calls;
    const zibal = await startZibalTestServer();
    cleanups.push(() => zibal.close());
    const smtp = await startSmtpTestServer();
    cleanups.push(() => smtp.close());

    const days = seededDays(
      Math.max(4, Math.round(options.minutes * 2)),
      TIME_ZONE,
    );
    const metricsToken = randomBytes(16).toString('hex');
    const ports = [0, 1, 2].map(i => options.firstReplicaPort + i);
    const replicas: Replica[] = [];
    const balancer = await startLoadBalancer({
      upstreams: ports.map((port, i) => ({
        port,
        instance: () => replicas[i]?.current?.instance,
      })),
      requests: record.requests,
    });
    cleanups.push(() => balancer.close());
    for (const [i, port] of ports.entries()) {
      replicas.push(
        new Replica(i + 1, port, {
          repoRoot: REPOSITORY_ROOT,
          logDir,
          processes: record.processes,
          startTimeoutMs: 240_000,
          config: (instance, listenPort) =>
            backendConfig({
              publicUrl: balancer.url,
              port: listenPort,
              postgresUrl: postgres.url,
              redisUrl: redis.url,
              openAiBaseUrl: openAi.baseUrlFor(instance),
              zibalUrl: zibal.baseUrl,
              smtp,
              metricsToken,
              billingStartDate: days[0],
              timeZone: TIME_ZONE,
            }),
        }),
      );
    }
    const cluster = new Cluster(replicas, metricsToken, log);
    cleanups.push(() =>
      Promise.all(replicas.map(r => r.stop('SIGKILL', 'end'))),
    );
    log(`starting 3 replicas of packages/backend behind ${balancer.url}`);
    await cluster.start();

    const db: Knex = knexFactory({
      client: 'pg',
      connection: `${postgres.url}/${PLUGIN_DATABASE}`,
      pool: { min: 0, max: 2 },
      // Its connections break when the fault stops PostgreSQL: expected.
      log: {
        warn: message => log(`the soak's database pool: ${message}`),
        error: message => log(`the soak's database pool: ${message}`),
        deprecate: () => {},
        debug: () => {},
      },
    });
    cleanups.push(() => db.destroy());

    let prometheus: PrometheusServer | undefined;
    if (options.prometheus) {
      prometheus = await startPrometheusServer({
        ruleFiles: [join(REPOSITORY_ROOT, 'monitoring/prometheus/alerts.yml')],
        jobs: [
          {
            jobName: 'docuchat-soak',
            targets: ports.map(port => `127.0.0.1:${port}`),
            metricsPath: '/api/docuchat/metrics',
            bearerToken: metricsToken,
          },
        ],
        // A loaded replica can take seconds to render its metrics.
        scrapeInterval: '5s',
      });
      cleanups.push(() => prometheus!.stop());
      log(
        'Prometheus scrapes the replicas and evaluates monitoring/prometheus/alerts.yml',
      );
    }

    // The load's users: the guest, an operator who owns every tenant.
    const signIn = await waitFor(
      'a guest token',
      async () => {
        const res = await fetch(`${balancer.url}/api/auth/guest/refresh`, {
          headers: { 'x-requested-with': 'XMLHttpRequest' },
        });
        return res.ok
          ? ((await res.json()).backstageIdentity.token as string)
          : undefined;
      },
      30_000,
    );
    const api = new Api(balancer.url, signIn, record.retried);
    const tenants = Array.from(
      { length: options.tenants },
      (_, i) => `soak-${String(i).padStart(2, '0')}`,
    );
    for (const [i, id] of tenants.entries()) {
      const { status, body } = await api.idempotent(
        'create tenant',
        '/api/docuchat/tenants',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            id,
            displayName: `Soak tenant ${i}`,
            ownerRef: OPERATORS_GROUP,
            contactEmail: `billing-${i}@soak.invalid`,
            mobile: `09120000${String(i).padStart(3, '0')}`,
          }),
        },
      );
      if (status !== 201 && status !== 409) {
        throw new Error(
          `Creating tenant ${id}: ${status} ${JSON.stringify(body)}`,
        );
      }
    }
    const seeded = await seedUsage(db, {
      days,
      tenants,
      timeZone: TIME_ZONE,
      random,
      batch: 'past',
    });
    log(
      `${tenants.length} tenants; ${seeded} ledger rows seeded on ${
        days.length
      } closed days (${days[0]} … ${days[days.length - 1]}, ${TIME_ZONE})`,
    );

    // The load and the faults.
    record.load.start = Date.now();
    log(`load starts for ${options.minutes} min`);
    const load = startLoad({
      api,
      db,
      zibal,
      tenants,
      random,
      record,
      askers: options.askers,
      uploaders: 2,
      readers: 2,
      cancelRate: 0.15,
      billingDays: days,
      billingEveryMs: (loadMs * 0.8) / days.length,
      replicaUrls: () =>
        replicas.filter(r => r.current?.readyAt).map(r => r.url),
      log,
    });
    const faults = await runFaults({
      plan,
      loadStart: record.load.start,
      deadline: record.load.start + loadMs + FAULT_OVERRUN_MS,
      cluster,
      postgres,
      redis,
      windows: record.faults,
      log,
    });
    skipped = faults.skipped;
    const lastFaultEnd = Math.max(0, ...record.faults.map(f => f.end));
    const loadEnd = Math.max(
      record.load.start + loadMs,
      lastFaultEnd + AFTER_LAST_FAULT_MS,
    );
    if (Date.now() < loadEnd) await sleep(loadEnd - Date.now());
    load.stop();
    await load.done;
    record.load.end = Date.now();
    log(
      `load stopped after ${(
        (record.load.end - record.load.start) /
        1000
      ).toFixed(0)} s: ${record.asks.length} asks, ${
        record.uploads.length
      } uploads, ${record.requests.length} requests`,
    );

    // Billing finishes what is left (days, links, verifications, emails),
    // then everything must come to rest.
    const finalRun = await billFromTwoReplicas(
      api,
      replicas.map(r => r.url),
      { from: days[0], to: days[days.length - 1] },
    );
    log(`final billing run: ${finalRun.map(a => a.status).join(', ')}`);
    const quietWithin =
      (SOAK_SETTINGS.abandonedCallSeconds +
        2 * SOAK_SETTINGS.sweepSeconds +
        SOAK_SETTINGS.leaseSeconds) *
        1000 +
      30_000;
    const waited = await waitForQuiet(db, quietWithin, log);
    log(`at rest after ${(waited / 1000).toFixed(0)} s`);
    await cluster.stop();
    await readDatabase(db, record);
    record.payments = [...zibal.payments.values()].map(p => ({
      trackId: String(p.trackId),
      orderId: p.orderId,
      amount: p.amount,
      status: p.status,
      verified: p.verified,
    }));
    for (const ask of record.asks) {
      ask.instance = record.requests.find(
        r => r.op === ask.requestId,
      )?.instance;
    }
    if (prometheus) {
      alerts = await alertTimeline(prometheus, record.load.start, Date.now());
      availabilityPeak = await peak(
        prometheus,
        'slo:sli_error:ratio_rate5m{sloth_slo="requests-availability"}',
        record.load.start,
        Date.now(),
      );
    }
  } finally {
    await cleanup();
  }

  await writeFile(join(logDir, 'record.json'), JSON.stringify(record));
  const results = checkInvariants(record);
  const report = [
    formatFaults(record, skipped),
    options.prometheus
      ? formatAlerts(record, alerts, availabilityPeak)
      : 'Alerts: not evaluated (--no-prometheus).',
    formatResults(results),
  ].join('\n\n');
  return {
    record,
    breaches: results.reduce((n, r) => n + r.breaches.length, 0),
    report,
  };
}

function formatFaults(record: SoakRecord, skipped: PlannedFault[]) {
  const at = (t: number) => `${((t - record.load.start) / 1000).toFixed(0)} s`;
  return [
    'Faults as they happened (seconds after the load started):',
    ...record.faults.map(
      f =>
        `  ${at(f.start).padStart(6)} – ${at(f.end).padStart(6)}  ${f.detail}`,
    ),
    ...skipped.map(
      f =>
        `  skipped, planned at ${
          f.at
        } s (its turn passed while another fault ran): ${describeFault(f)}`,
    ),
  ].join('\n');
}

function formatAlerts(
  record: SoakRecord,
  alerts: AlertInterval[],
  availabilityPeak?: { value: number; at: number },
) {
  const at = (t: number) => `${((t - record.load.start) / 1000).toFixed(0)} s`;
  return [
    'Alerts of monitoring/prometheus/alerts.yml, as the real Prometheus evaluated them:',
    ...(alerts.length === 0
      ? ['  none pending or firing']
      : alerts.map(
          a =>
            `  ${at(a.start).padStart(6)} – ${at(a.end).padStart(6)}  ${
              a.alertname
            } (${a.severity ?? '-'}) ${a.state}`,
        )),
    ...(availabilityPeak
      ? [
          `  availability SLI (5xx ratio over 5 m) peaked at ${(
            availabilityPeak.value * 100
          ).toFixed(1)} % at ${at(availabilityPeak.at)}`,
        ]
      : []),
  ].join('\n');
}
