/**
 * bench:parse — what parsing uploads in worker threads costs against parsing
 * them in process, as ingestion did before (issue 23).
 *
 * The same corpus of ordinary documents (Markdown, plain text, HTML, PDF,
 * DOCX; 200 of 10-40 KB × BENCH_SCALE) is parsed and chunked by
 * `parseAndChunk` on the main thread and through a ParserPool of one worker,
 * one document at a time (what one ingestion slot does; the pool adds
 * copying bytes in and chunks out), alternating document by document and
 * which path goes first, so that load from elsewhere on the machine hits
 * both alike. Then the whole corpus at once through a pool of the default
 * size, against the in-process time of the same round. Each path is warmed
 * first (worker start, tokenizer caches, JIT) on other documents. Every
 * path must give the same chunks; an error or a difference exits non-zero.
 *
 *   yarn bench:parse              # full size
 *   BENCH_SCALE=0.02 yarn bench:parse
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { DEFAULT_PARSE_LIMITS } from '../src/ingest/parseLimits';
import { parseAndChunk } from '../src/ingest/parseAndChunk';
import { defaultParserWorkers, ParserPool } from '../src/ingest/ParserPool';
import { Chunk } from '../src/ingest/types';
import { docxWithParagraphs } from '../src/ingest/__testUtils__/hostileDocuments';
import { fixed, printTable } from './lib/report';
import { seededRandom } from './lib/random';
import { benchScale } from './lib/settings';

const FULL_DOCUMENTS = 200;
const ROUNDS = 3;
const CHUNKING = { maxTokens: 400, overlapTokens: 60 };
const DOCX =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

interface Document {
  contentType: string;
  bytes: Buffer;
}

const WORDS = [
  'backup',
  'tenant',
  'invoice',
  'replica',
  'lease',
  'token',
  'cluster',
  'restore',
  'secret',
  'rollout',
  'پرداخت',
  'گزارش',
  'مستأجر',
];

function prose(random: () => number, paragraphs: number): string[] {
  const word = () =>
    random() < 0.3
      ? WORDS[Math.floor(random() * WORDS.length)]
      : Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
          'kateronlimvasdormiselantrobex'.slice(
            Math.floor(random() * 20),
            Math.floor(random() * 20) + 3,
          ),
        ).join('');
  const sentence = () =>
    `${Array.from({ length: 6 + Math.floor(random() * 14) }, word).join(' ')}.`;
  return Array.from({ length: paragraphs }, () =>
    Array.from({ length: 2 + Math.floor(random() * 5) }, sentence).join(' '),
  );
}

async function pdf(paragraphs: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  let page = doc.addPage();
  let y = 760;
  for (const paragraph of paragraphs) {
    // Latin only: the standard fonts cannot encode Persian.
    const latin = paragraph.replace(/[^\x20-\x7e]+/g, 'x');
    for (let i = 0; i < latin.length; i += 90) {
      if (y < 60) {
        page = doc.addPage();
        y = 760;
      }
      page.drawText(latin.slice(i, i + 90), { x: 50, y, size: 10, font });
      y -= 14;
    }
    y -= 10;
  }
  return Buffer.from(await doc.save());
}

async function corpus(count: number, seed: number): Promise<Document[]> {
  const random = seededRandom(seed);
  const documents: Document[] = [];
  for (let i = 0; i < count; i++) {
    const paragraphs = prose(random, 15 + Math.floor(random() * 45));
    switch (i % 5) {
      case 0:
        documents.push({
          contentType: 'text/markdown',
          bytes: Buffer.from(
            paragraphs
              .map((p, j) => (j % 6 === 0 ? `## Part ${j}\n\n${p}` : p))
              .join('\n\n'),
          ),
        });
        break;
      case 1:
        documents.push({
          contentType: 'text/plain',
          bytes: Buffer.from(paragraphs.join('\n\n')),
        });
        break;
      case 2:
        documents.push({
          contentType: 'text/html',
          bytes: Buffer.from(
            `<html><body><h1>Guide ${i}</h1>${paragraphs
              .map(p => `<div class="c"><p>${p}</p></div>`)
              .join('')}</body></html>`,
          ),
        });
        break;
      case 3:
        documents.push({
          contentType: 'application/pdf',
          bytes: await pdf(paragraphs),
        });
        break;
      default:
        documents.push({
          contentType: DOCX,
          bytes: docxWithParagraphs(paragraphs),
        });
    }
  }
  return documents;
}

const request = (doc: Document) => ({
  contentType: doc.contentType,
  chunking: CHUNKING,
});

async function inProcess(documents: Document[]): Promise<Chunk[][]> {
  const out: Chunk[][] = [];
  for (const doc of documents) {
    out.push(
      await parseAndChunk(doc.bytes, {
        ...request(doc),
        limits: DEFAULT_PARSE_LIMITS,
      }),
    );
  }
  return out;
}

async function oneAtATime(pool: ParserPool, documents: Document[]) {
  const out: Chunk[][] = [];
  for (const doc of documents)
    out.push(await pool.parse(doc.bytes, request(doc)));
  return out;
}

function allAtOnce(pool: ParserPool, documents: Document[]) {
  return Promise.all(documents.map(doc => pool.parse(doc.bytes, request(doc))));
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

async function main() {
  const scale = benchScale();
  const count = Math.max(5, Math.round(FULL_DOCUMENTS * scale));
  const workers = defaultParserWorkers();
  const documents = await corpus(count, 23);
  const warmUp = await corpus(10, 7);
  const megabytes =
    documents.reduce((sum, d) => sum + d.bytes.length, 0) / (1024 * 1024);
  process.stdout.write(
    `bench:parse — ${count} documents (${fixed(
      megabytes,
      2,
    )} MB: Markdown, text, HTML, PDF, DOCX), ` +
      `chunks of ${CHUNKING.maxTokens} tokens, ${ROUNDS} rounds (scale ${scale})\n\n`,
  );

  const single = new ParserPool({
    workers: 1,
    heapMegabytes: 512,
    timeoutMs: 120_000,
    limits: DEFAULT_PARSE_LIMITS,
  });
  const pool = new ParserPool({
    workers,
    heapMegabytes: 512,
    timeoutMs: 120_000,
    limits: DEFAULT_PARSE_LIMITS,
  });
  try {
    await inProcess(warmUp);
    await oneAtATime(single, warmUp);
    await allAtOnce(pool, [...warmUp, ...warmUp.slice(0, workers)]);

    const inProcessMs: number[] = [];
    const oneAtATimeMs: number[] = [];
    const allAtOnceMs: number[] = [];
    let expected: string | undefined;
    const check = (name: string, chunks: Chunk[][]) => {
      const json = JSON.stringify(chunks);
      expected ??= json;
      if (json !== expected) {
        throw new Error(`${name} made other chunks than parsing in process`);
      }
    };
    for (let round = 0; round < ROUNDS; round++) {
      const here: Chunk[][] = [];
      const there: Chunk[][] = [];
      let hereMs = 0;
      let thereMs = 0;
      for (const [i, doc] of documents.entries()) {
        const order = (i + round) % 2 === 0 ? [false, true] : [true, false];
        for (const inWorker of order) {
          const [chunks, ms] = await timed(() =>
            inWorker ? oneAtATime(single, [doc]) : inProcess([doc]),
          );
          (inWorker ? there : here).push(chunks[0]);
          if (inWorker) thereMs += ms;
          else hereMs += ms;
        }
      }
      check('in process', here);
      check('the pool, one at a time', there);
      const [all, allMs] = await timed(() => allAtOnce(pool, documents));
      check('the pool, all at once', all);
      inProcessMs.push(hereMs);
      oneAtATimeMs.push(thereMs);
      allAtOnceMs.push(allMs);
    }

    const chunkCount = JSON.parse(expected!).reduce(
      (sum: number, c: Chunk[]) => sum + c.length,
      0,
    );
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const baseline = sum(inProcessMs);
    const row = (name: string, values: number[]) => {
      const total = sum(values);
      return [
        name,
        values.map(v => fixed(v, 0)).join(' / '),
        fixed((count * ROUNDS) / (total / 1000), 1),
        fixed((megabytes * ROUNDS) / (total / 1000), 2),
        `${fixed(baseline / total, 2)}×`,
      ];
    };
    printTable(
      ['path', 'ms per round', 'documents/s', 'MB/s', 'vs in process'],
      [
        row('in process (before issue 23)', inProcessMs),
        row('worker pool, one at a time (1 worker)', oneAtATimeMs),
        row(
          `worker pool, all at once (${workers} worker${
            workers > 1 ? 's' : ''
          })`,
          allAtOnceMs,
        ),
      ],
    );
    process.stdout.write(
      `${chunkCount} chunks per round, identical on every path. Target: parsing in workers ≥ 0.9× the in-process rate.\n`,
    );
  } finally {
    await Promise.all([single.close(), pool.close()]);
  }
}

main().catch(error => {
  process.stderr.write(`bench:parse failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
