import { mockCredentials } from '@backstage/backend-test-utils';
import { Worker } from 'node:worker_threads';
import {
  deeplyNestedHtml,
  docxBomb,
  docxWithParagraphs,
  invalidUtf8Text,
  oneLineMarkdown,
  pdfWithPages,
} from '../ingest/__testUtils__/hostileDocuments';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import {
  BackendProcess,
  startBackendProcess,
} from '../__testUtils__/backendProcess';

/**
 * Issue 23's hostile uploads against a real backend in a child process
 * (DocuChat and the catalog on one event loop, run from the TypeScript
 * source as `yarn start` runs it), all at once and beside ten ordinary
 * documents, while the health route and the catalog are polled: parsing
 * happens in worker threads, so both keep answering fast, and every hostile
 * document ends failed with the limit it hit.
 */
jest.setTimeout(180_000);

const USER = 'user:default/alice';
const TENANT = 'acme';
const DOCX =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/**
 * Issue 23's target is a p99 of 200 ms, measured with this test on a quiet
 * machine (the figure it prints). CI runs two test files at once on two
 * cores, beside this one's own backend, parser worker and upload client, so
 * the assertion allows for sharing the cores; it still fails by far what
 * the issue reported (health unanswered for a minute and more while a PDF
 * was parsed on the event loop).
 */
const HEALTH_P99_MS = 1000;
const HEALTH_MAX_MS = 5000;

interface Upload {
  name: string;
  bytes: Buffer;
  contentType: string;
}

function ordinaryDocuments(count: number): Upload[] {
  const prose = (n: number) =>
    Array.from(
      { length: 8 },
      (_, i) =>
        `Section ${i} of guide ${n}: the operators check backups of environment ${n} every ${
          i + 2
        } hours and write down what they found.`,
    );
  return Array.from({ length: count }, (_, n): Upload => {
    const lines = prose(n);
    switch (n % 5) {
      case 0:
        return {
          name: `guide-${n}.md`,
          bytes: Buffer.from(`# Guide ${n}\n\n${lines.join('\n\n')}`),
          contentType: 'text/markdown',
        };
      case 1:
        return {
          name: `guide-${n}.txt`,
          bytes: Buffer.from(lines.join('\n\n')),
          contentType: 'text/plain',
        };
      case 2:
        return {
          name: `guide-${n}.html`,
          bytes: Buffer.from(
            `<html><body><h1>Guide ${n}</h1>${lines
              .map(l => `<p>${l}</p>`)
              .join('')}</body></html>`,
          ),
          contentType: 'text/html',
        };
      case 3:
        return {
          name: `guide-${n}.docx`,
          bytes: docxWithParagraphs(lines),
          contentType: DOCX,
        };
      default:
        return {
          name: `guide-${n}.pdf`,
          bytes: pdfWithPages(3 + n),
          contentType: 'application/pdf',
        };
    }
  });
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

describe('hostile uploads (child process, with the catalog)', () => {
  let openAi: OpenAiTestServer;
  let backend: BackendProcess;
  let baseUrl: string;
  const auth = { Authorization: mockCredentials.user.header(USER) };

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
    backend = await startBackendProcess({
      withCatalog: true,
      config: {
        backend: {
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        docuchat: {
          openai: { apiKey: 'test-key', baseURL: openAi.baseURL },
          embeddings: { provider: 'openai', dimensions: 64 },
          tenants: [{ id: TENANT, displayName: 'Acme', ownerRef: USER }],
          metrics: { public: true },
          ingestion: { maxUploadMegabytes: 20, concurrency: 2 },
        },
      },
    });
    baseUrl = backend.apiUrl.replace(/\/api\/docuchat$/, '');
  });

  afterAll(async () => {
    backend?.kill('SIGKILL');
    await backend?.exited;
    await openAi?.close();
  });

  async function documents(): Promise<any[]> {
    const res = await fetch(`${backend.apiUrl}/tenants/${TENANT}/documents`, {
      headers: auth,
    });
    return (await res.json()).items;
  }

  /** Polls the tenant's documents until none is queued or processing. */
  async function allFinished(): Promise<any[]> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const items = await documents();
      if (items.every(d => d.status === 'ready' || d.status === 'failed')) {
        return items;
      }
      if (Date.now() > deadline) {
        throw new Error(`Not finished: ${JSON.stringify(items)}`);
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }

  async function upload({ name, bytes, contentType }: Upload) {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: contentType }), name);
    const res = await fetch(`${backend.apiUrl}/tenants/${TENANT}/documents`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    return { name, status: res.status, body: await res.json() };
  }

  /**
   * Times a GET every `everyMs` from a thread of its own until `stop()`, so
   * the latencies are the backend's, not this process's (which sends the
   * uploads and plays OpenAI).
   */
  function poll(url: string, everyMs: number) {
    const poller = new Worker(
      `
      const { parentPort, workerData } = require('node:worker_threads');
      const { url, everyMs, headers } = workerData;
      const ms = [];
      const statuses = [];
      let stopped = false;
      parentPort.once('message', () => (stopped = true));
      (async () => {
        while (!stopped) {
          const started = performance.now();
          const res = await fetch(url, { headers });
          await res.arrayBuffer();
          ms.push(performance.now() - started);
          statuses.push(res.status);
          await new Promise(resolve => setTimeout(resolve, everyMs));
        }
        parentPort.postMessage({ ms, statuses });
      })();
      `,
      { eval: true, workerData: { url, everyMs, headers: auth } },
    );
    const result = new Promise<{ ms: number[]; statuses: number[] }>(
      (resolve, reject) => {
        poller.once('message', resolve);
        poller.once('error', reject);
      },
    );
    return {
      stop: async () => {
        poller.postMessage('stop');
        const run = await result;
        await poller.terminate();
        return run;
      },
    };
  }

  it('keeps health and the catalog answering while hostile documents fail with their limits', async () => {
    const hostile: Upload[] = [
      {
        name: 'long.pdf',
        bytes: pdfWithPages(20_000),
        contentType: 'application/pdf',
      },
      {
        name: 'nested.html',
        bytes: deeplyNestedHtml(200_000),
        contentType: 'text/html',
      },
      {
        name: 'one-line.md',
        bytes: oneLineMarkdown(15_000_000),
        contentType: 'text/markdown',
      },
      {
        name: 'bomb.docx',
        bytes: docxBomb(1_200_000_000),
        contentType: DOCX,
      },
      {
        name: 'not-utf8.txt',
        bytes: invalidUtf8Text(),
        contentType: 'text/plain',
      },
    ];
    const [warmUp, ...ordinary] = ordinaryDocuments(11);

    // A portal that has served a request or two: the catalog's first
    // request compiles its OpenAPI validator and the first upload starts
    // the parser worker, neither of which is the hostile documents' doing.
    await fetch(`${baseUrl}/api/catalog/entities/by-query?limit=1`, {
      headers: auth,
    });
    expect((await upload(warmUp)).status).toBe(202);
    await allFinished();
    // What health answers on this machine right now with nothing to do,
    // printed beside the run's figure: on a machine shared with other work
    // every request also waits for a core.
    const idle = poll(`${backend.apiUrl}/health`, 20);
    await new Promise(resolve => setTimeout(resolve, 2000));
    const idleP99 = percentile((await idle.stop()).ms, 0.99);

    const health = poll(`${backend.apiUrl}/health`, 20);
    const catalog = poll(
      `${baseUrl}/api/catalog/entities/by-query?limit=1`,
      50,
    );
    const uploads = await Promise.all([...hostile, ...ordinary].map(upload));
    const byName = Object.fromEntries(uploads.map(u => [u.name, u]));

    // The cheap checks answer at once; everything else is accepted.
    expect(byName['not-utf8.txt'].status).toBe(422);
    expect(byName['not-utf8.txt'].body.error.message).toMatch(
      /not valid utf-8/,
    );
    const accepted = uploads.filter(u => u.name !== 'not-utf8.txt');
    expect(accepted.map(u => [u.name, u.status])).toEqual(
      accepted.map(u => [u.name, 202]),
    );

    const finishedDocuments = await allFinished();
    const [healthRun, catalogRun] = await Promise.all([
      health.stop(),
      catalog.stop(),
    ]);

    const outcome = (name: string) =>
      finishedDocuments.find(d => d.id === byName[name].body.id);
    expect(outcome('long.pdf')).toMatchObject({
      status: 'failed',
      error:
        'The PDF has 20,000 pages; the limit is 2,000 (docuchat.ingestion.limits.maxPdfPages)',
    });
    expect(outcome('nested.html')).toMatchObject({
      status: 'failed',
      error:
        'The HTML nests elements more than 256 levels deep (docuchat.ingestion.limits.maxNestingDepth)',
    });
    expect(outcome('one-line.md')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(
        /^The Markdown has more than 1,000,000 characters without a blank line/,
      ),
    });
    expect(outcome('bomb.docx')).toMatchObject({
      status: 'failed',
      error:
        "The DOCX document's contents inflate to more than 100 MB, the limit (docuchat.ingestion.limits.maxInflatedMegabytes)",
    });
    for (const doc of ordinary) {
      expect(outcome(doc.name)).toMatchObject({
        status: 'ready',
        chunkCount: expect.any(Number),
      });
      expect(outcome(doc.name).chunkCount).toBeGreaterThan(0);
    }

    const metrics = await (await fetch(`${backend.apiUrl}/metrics`)).text();
    const healthP99 = percentile(healthRun.ms, 0.99);
    const catalogP99 = percentile(catalogRun.ms, 0.99);
    const lagP99 = /^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(metrics);
    // eslint-disable-next-line no-console
    console.log(
      `health p99 ${healthP99.toFixed(1)} ms (idle ${idleP99.toFixed(
        1,
      )} ms) over ${healthRun.ms.length} requests (max ${Math.max(
        ...healthRun.ms,
      ).toFixed(1)} ms); catalog p99 ${catalogP99.toFixed(1)} ms over ${
        catalogRun.ms.length
      }; the backend's event-loop lag p99 ${(
        Number(lagP99?.[1]) * 1000
      ).toFixed(1)} ms`,
    );
    expect(healthRun.statuses.every(s => s === 200)).toBe(true);
    // The pollers ran through the hostile work. How many polls fit depends
    // on the machine: the run lasts some 2-4 s (40-90 health polls, 10-22
    // of the catalog's); a faster machine makes fewer, so the floors only
    // say that polling happened (CI once counted 10 catalog polls against a
    // floor of 10).
    expect(healthRun.ms.length).toBeGreaterThanOrEqual(10);
    expect(healthP99).toBeLessThanOrEqual(HEALTH_P99_MS);
    expect(Math.max(...healthRun.ms)).toBeLessThanOrEqual(HEALTH_MAX_MS);
    expect(catalogRun.statuses.every(s => s === 200)).toBe(true);
    expect(catalogRun.ms.length).toBeGreaterThanOrEqual(3);

    // Operations see the failures by reason and the parse times by format.
    for (const reason of [
      'pdf-pages',
      'nesting-depth',
      'run-length',
      'inflated-bytes',
    ]) {
      expect(metrics).toContain(
        `docuchat_ingestion_failures_total{reason="${reason}"} 1`,
      );
    }
    expect(metrics).toMatch(
      /docuchat_document_parse_seconds_count\{format="pdf",outcome="ok"\} 2$/m,
    );
    expect(metrics).toMatch(/nodejs_eventloop_lag_p99_seconds \d/);
  });
});
