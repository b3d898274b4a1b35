/**
 * bench:metrics — cost of a Prometheus scrape and of the HTTP histogram.
 *
 * 1. Render: 1,000 tenants × 3 models × 2 directions of
 *    `openai_tokens_total` (× BENCH_SCALE tenants), rendered BENCH_SCRAPES
 *    times by each approach in turn: DocuchatMetrics (private registry,
 *    tenant families as TextCounters), prom-client's global default
 *    registry with the same series as a plain prom-client Counter, the
 *    token family alone both ways, a hand-rolled string join of the same
 *    series (the floor), every tenant family filled, and the whole scrape
 *    over HTTP (bearer token check included).
 * 2. Middleware: in-process HTTP requests to a tenant route with no
 *    middleware, with ours (route templates) and with a naive one labelling
 *    raw paths, variants interleaved; then each middleware called directly
 *    with the HTTP stack out of the way. Afterwards, the series each left
 *    behind and what they cost a scrape.
 *
 *   yarn bench:metrics
 *   BENCH_SCALE=0.02 yarn bench:metrics
 *   BENCH_SCRAPES=500 BENCH_REQUESTS=50000 yarn bench:metrics
 */
import express from 'express';
import Router from 'express-promise-router';
import { EventEmitter } from 'events';
import http from 'http';
import { AddressInfo } from 'net';
import {
  collectDefaultMetrics,
  Counter,
  Histogram,
  register as globalRegistry,
  Registry,
} from 'prom-client';
import { createMetricsRouter } from '../src/http/createMetricsRouter';
import {
  DocuchatMetrics,
  HTTP_DURATION_BUCKETS,
} from '../src/metrics/DocuchatMetrics';
import { createHttpMetricsMiddleware } from '../src/http/httpMetricsMiddleware';
import { TextCounter } from '../src/metrics/TextCounter';
import { fixed, mean, percentile, printTable, thousands } from './lib/report';
import { seededRandom } from './lib/random';
import { runBench } from './lib/runBench';
import { benchScale } from './lib/settings';

const MODELS = [
  'openai:gpt-4o-mini',
  'openai:gpt-4.1-mini',
  'local:extractive',
];
const DIRECTIONS = ['prompt', 'completion'] as const;
const RAG_OUTCOMES = ['answered', 'no_sources', 'error', 'cached'] as const;
const TARGET_MS = 15;
const TOKEN = 'bench-scraper-token-0123456789';

function envInt(name: string, fallback: number): number {
  const value = process.env[name];
  return value ? Number(value) : fallback;
}

function tenantIds(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `tenant-${String(i).padStart(4, '0')}`,
  );
}

/**
 * Milliseconds of each of `runs` calls of every function, taken in turns
 * (one call of each per round) so that JIT warm-up, GC and other load on
 * the machine fall on all of them alike.
 */
async function sampleInTurns(
  runs: number,
  fns: Array<() => Promise<unknown>>,
): Promise<number[][]> {
  for (let i = 0; i < 10; i++) for (const fn of fns) await fn();
  const out = fns.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [j, fn] of fns.entries()) {
      const start = process.hrtime.bigint();
      await fn();
      out[j].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return out;
}

/** The same token series, formatted without any library. */
class HandRolledTokens {
  readonly #values = new Map<string, number>();

  inc(tenant: string, direction: string, model: string, value: number) {
    const key = `tenant="${tenant}",direction="${direction}",model="${model}"`;
    this.#values.set(key, (this.#values.get(key) ?? 0) + value);
  }

  render(): string {
    const lines = [
      '# HELP openai_tokens_total Tokens sent to and received from models.',
      '# TYPE openai_tokens_total counter',
    ];
    for (const [key, value] of this.#values) {
      lines.push(`openai_tokens_total{${key}} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function listen(app: express.Express): Promise<http.Server> {
  const server = http.createServer(app);
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise(resolve => server.close(() => resolve()));
}

/** GET over one kept-alive connection; resolves once the body is read. */
function get(
  agent: http.Agent,
  port: number,
  path: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path, agent, headers },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (body += chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(body)
            : reject(new Error(`${path}: HTTP ${res.statusCode} ${body}`)),
        );
      },
    );
    req.on('error', reject);
  });
}

async function renderBench(scale: number, scrapes: number) {
  const tenants = tenantIds(Math.max(1, Math.round(1000 * scale)));
  const random = seededRandom(5);
  const tokenCount = () => 1 + Math.floor(random() * 5000);

  const ours = new DocuchatMetrics();
  const full = new DocuchatMetrics();
  collectDefaultMetrics({ register: globalRegistry });
  const globalTokens = new Counter({
    name: 'openai_tokens_total',
    help: 'Tokens sent to and received from models.',
    labelNames: ['tenant', 'direction', 'model'],
    registers: [globalRegistry],
  });
  const aloneRegistry = new Registry();
  const aloneTokens = new Counter({
    name: 'openai_tokens_total',
    help: 'Tokens sent to and received from models.',
    labelNames: ['tenant', 'direction', 'model'],
    registers: [aloneRegistry],
  });
  const textTokens = new TextCounter({
    name: 'openai_tokens_total',
    help: 'Tokens sent to and received from models.',
    labelNames: ['tenant', 'direction', 'model'],
  });
  const handRolled = new HandRolledTokens();

  for (const tenant of tenants) {
    for (const model of MODELS) {
      const promptTokens = tokenCount();
      const completionTokens = tokenCount();
      const usage = { tenantId: tenant, model, promptTokens, completionTokens };
      ours.countTokens(usage);
      full.countTokens(usage);
      for (const direction of DIRECTIONS) {
        const value = direction === 'prompt' ? promptTokens : completionTokens;
        const labels = { tenant, direction, model };
        globalTokens.inc(labels, value);
        aloneTokens.inc(labels, value);
        textTokens.inc(labels, value);
        handRolled.inc(tenant, direction, model, value);
      }
    }
    for (const outcome of RAG_OUTCOMES) full.countRagQuery(tenant, outcome);
    full.countIndexedChunks(tenant, tokenCount());
  }

  const app = express();
  app.use(
    '/api/docuchat',
    createMetricsRouter({
      metrics: ours,
      access: { kind: 'token', bearerToken: TOKEN },
    }),
  );
  const server = await listen(app);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { port } = server.address() as AddressInfo;

  const tokenSeries = tenants.length * MODELS.length * DIRECTIONS.length;
  const approaches: Array<{
    name: string;
    series: number;
    render: () => Promise<string>;
  }> = [
    {
      name: 'DocuchatMetrics.render() (ours)',
      series: tokenSeries,
      render: async () => (await ours.render()).body,
    },
    {
      name: 'prom-client default register.metrics()',
      series: tokenSeries,
      render: () => globalRegistry.metrics(),
    },
    {
      name: 'token family alone: prom-client Counter',
      series: tokenSeries,
      render: () =>
        aloneRegistry.getSingleMetricAsString('openai_tokens_total'),
    },
    {
      name: 'token family alone: TextCounter (ours)',
      series: tokenSeries,
      render: async () => textTokens.render(),
    },
    {
      name: 'hand-rolled string join',
      series: tokenSeries,
      render: async () => handRolled.render(),
    },
    {
      name: 'ours, every tenant family filled',
      series: tokenSeries + tenants.length * (RAG_OUTCOMES.length + 1),
      render: async () => (await full.render()).body,
    },
    {
      name: 'ours over HTTP (GET /metrics, token)',
      series: tokenSeries,
      render: () =>
        get(agent, port, '/api/docuchat/metrics', {
          authorization: `Bearer ${TOKEN}`,
        }),
    },
  ];

  const bodies = await Promise.all(approaches.map(a => a.render()));
  const times = await sampleInTurns(
    scrapes,
    approaches.map(a => a.render),
  );
  const measured = approaches.map((approach, i) => ({
    ...approach,
    bytes: Buffer.byteLength(bodies[i]),
    ms: times[i],
  }));
  agent.destroy();
  await close(server);

  const base = percentile(measured[0].ms, 50);
  process.stdout.write(
    `Render: ${thousands(tenants.length)} tenants × ${MODELS.length} models × ${
      DIRECTIONS.length
    } directions = ${thousands(
      tokenSeries,
    )} token series, plus process metrics where a whole registry renders; ${scrapes} scrapes each, ms\n`,
  );
  printTable(
    ['approach', 'series', 'body KB', 'p50', 'p95', 'mean', 'p50 vs ours'],
    measured.map(m => [
      m.name,
      thousands(m.series),
      fixed(m.bytes / 1024, 0),
      fixed(percentile(m.ms, 50), 2),
      fixed(percentile(m.ms, 95), 2),
      fixed(mean(m.ms), 2),
      `${fixed(percentile(m.ms, 50) / base, 2)}×`,
    ]),
  );
  return {
    tenants: tenants.length,
    oursP95: percentile(measured[0].ms, 95),
    httpP95: percentile(measured[measured.length - 1].ms, 95),
  };
}

/** The competing approach: the raw path as the route label. */
function rawPathMiddleware(
  histogram: Histogram<'method' | 'route' | 'status'>,
): express.RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('close', () => {
      histogram.observe(
        {
          method: req.method,
          route: req.originalUrl,
          status: String(res.statusCode),
        },
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    });
    next();
  };
}

function tenantApp(middleware?: express.RequestHandler) {
  const plugin = Router();
  if (middleware) plugin.use(middleware);
  plugin.get('/tenants/:tenantId/documents', async (req, res) => {
    res.json({ tenantId: req.params.tenantId, documents: [] });
  });
  return express().use('/api/docuchat', plugin);
}

/**
 * Microseconds per call of each middleware alone, on stand-in req and res:
 * the median of blocks of 1,000 calls, the middlewares taking turns.
 */
function directCosts(
  middlewares: express.RequestHandler[],
  tenants: string[],
  calls: number,
): number[] {
  const route = { path: '/tenants/:tenantId/documents' };
  const block = 1000;
  const run = (middleware: express.RequestHandler) => {
    for (let i = 0; i < block; i++) {
      const res = Object.assign(new EventEmitter(), {
        statusCode: 200,
        writableFinished: true,
      });
      const req = {
        method: 'GET',
        originalUrl: `/api/docuchat/tenants/${
          tenants[i % tenants.length]
        }/documents`,
        route,
      };
      middleware(req as any, res as any, () => {});
      res.emit('close');
    }
  };
  for (let i = 0; i < 5; i++) middlewares.forEach(run);
  const perCall = middlewares.map(() => [] as number[]);
  for (let b = 0; b < Math.max(1, calls / block); b++) {
    for (const [j, middleware] of middlewares.entries()) {
      const start = process.hrtime.bigint();
      run(middleware);
      perCall[j].push(Number(process.hrtime.bigint() - start) / 1e3 / block);
    }
  }
  return perCall.map(values => percentile(values, 50));
}

async function middlewareBench(scale: number, requests: number) {
  const tenants = tenantIds(Math.max(1, Math.round(1000 * scale)));
  const ours = new DocuchatMetrics();
  const naiveRegistry = new Registry();
  const naiveHistogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of requests, by raw path.',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_DURATION_BUCKETS,
    registers: [naiveRegistry],
  });
  // Process metrics too, so that both registries render the same extras.
  collectDefaultMetrics({ register: naiveRegistry });
  const variants = [
    { name: 'no middleware', app: tenantApp() },
    {
      name: 'ours (route template)',
      app: tenantApp(createHttpMetricsMiddleware(ours)),
    },
    {
      name: 'naive (raw path)',
      app: tenantApp(rawPathMiddleware(naiveHistogram)),
    },
  ];
  const running = await Promise.all(
    variants.map(async variant => {
      const server = await listen(variant.app);
      return {
        ...variant,
        server,
        port: (server.address() as AddressInfo).port,
        agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
        ms: [] as number[],
      };
    }),
  );

  // Rounds of 100 per variant in turn, so drift (JIT, GC, other load on
  // the machine) falls on every variant alike.
  const round = 100;
  for (let done = 0; done < requests; done += round) {
    for (const variant of running) {
      for (let i = done; i < Math.min(requests, done + round); i++) {
        const path = `/api/docuchat/tenants/${
          tenants[i % tenants.length]
        }/documents`;
        const start = process.hrtime.bigint();
        await get(variant.agent, variant.port, path);
        variant.ms.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }
  }
  for (const variant of running) {
    variant.agent.destroy();
    await close(variant.server);
  }
  // Responses are counted on 'close'; let the last ones land.
  await new Promise(resolve => setImmediate(resolve));

  const us = (ms: number) => ms * 1000;
  const none = running[0];
  process.stdout.write(
    `Middleware over in-process HTTP: ${thousands(
      requests,
    )} sequential GETs per variant across ${
      tenants.length
    } tenants (keep-alive), µs per request\n`,
  );
  printTable(
    ['variant', 'p50', 'p95', 'mean', 'p50 overhead', 'mean overhead'],
    running.map(v => [
      v.name,
      fixed(us(percentile(v.ms, 50)), 0),
      fixed(us(percentile(v.ms, 95)), 0),
      fixed(us(mean(v.ms)), 0),
      v === none
        ? '-'
        : fixed(us(percentile(v.ms, 50) - percentile(none.ms, 50)), 1),
      v === none ? '-' : fixed(us(mean(v.ms) - mean(none.ms)), 1),
    ]),
  );

  const calls = Math.max(10_000, requests * 10);
  const [directOurs, directNaive] = directCosts(
    [
      createHttpMetricsMiddleware(new DocuchatMetrics()),
      rawPathMiddleware(
        new Histogram({
          name: 'direct_naive_seconds',
          help: 'bench',
          labelNames: ['method', 'route', 'status'],
          buckets: HTTP_DURATION_BUCKETS,
          registers: [new Registry()],
        }),
      ),
    ],
    tenants,
    calls,
  );

  const oursBody = (await ours.render()).body;
  const naiveBody = await naiveRegistry.metrics();
  const seriesIn = (body: string) =>
    body
      .split('\n')
      .filter(line => line.startsWith('http_request_duration_seconds_count'))
      .length;
  const [oursRender, naiveRender] = (
    await sampleInTurns(50, [
      () => ours.render(),
      () => naiveRegistry.metrics(),
    ])
  ).map(ms => percentile(ms, 50));
  process.stdout.write(
    `Middleware alone (called directly, ${thousands(
      calls,
    )} calls each, median of 1,000-call blocks), and what each left for a scrape\n`,
  );
  printTable(
    ['variant', 'µs per request', 'label sets', 'registry render p50 ms'],
    [
      [
        'ours (route template)',
        fixed(directOurs, 2),
        thousands(seriesIn(oursBody)),
        fixed(oursRender, 2),
      ],
      [
        'naive (raw path)',
        fixed(directNaive, 2),
        thousands(seriesIn(naiveBody)),
        fixed(naiveRender, 2),
      ],
    ],
  );
  process.stdout.write(
    `Raw paths: ${fixed(
      directNaive / directOurs,
      2,
    )}× the per-request cost and ${thousands(
      seriesIn(naiveBody) / Math.max(1, seriesIn(oursBody)),
    )}× the label sets (each ${
      HTTP_DURATION_BUCKETS.length + 3
    } series with buckets, sum and count) — one per tenant, and one per made-up URL anyone requests.\n\n`,
  );
  return { overheadUs: us(mean(running[1].ms) - mean(none.ms)), directOurs };
}

async function main() {
  const scale = benchScale();
  const scrapes = envInt('BENCH_SCRAPES', scale < 1 ? 50 : 200);
  const requests = envInt(
    'BENCH_REQUESTS',
    Math.max(300, Math.round(20_000 * scale)),
  );
  process.stdout.write(
    `bench:metrics — prom-client scrape and HTTP histogram cost (scale ${scale}, Node ${process.version})\n\n`,
  );
  const render = await renderBench(scale, scrapes);
  const middleware = await middlewareBench(scale, requests);

  const met = render.oursP95 <= TARGET_MS;
  process.stdout.write(
    `Target: ≤ ${TARGET_MS} ms per scrape at 1,000 tenants × 3 models × 2 directions${
      scale < 1
        ? ` (this run: ${render.tenants} tenants, fixed costs only)`
        : ''
    }\n` +
      `  render p95 ${fixed(render.oursP95, 2)} ms (over HTTP ${fixed(
        render.httpP95,
        2,
      )} ms): ${met ? 'met' : 'NOT met'}\n` +
      `  HTTP histogram middleware: ${fixed(
        middleware.directOurs,
        2,
      )} µs per request alone, ${fixed(
        middleware.overheadUs,
        1,
      )} µs mean over in-process HTTP\n`,
  );
}

runBench('bench:metrics', main);
