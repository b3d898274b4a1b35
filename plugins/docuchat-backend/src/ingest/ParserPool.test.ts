import { UnreadableDocumentError } from './errors';
import { parseAndChunk } from './parseAndChunk';
import { ParserCrashedError } from './parseFailures';
import { DEFAULT_PARSE_LIMITS, DocumentLimitError } from './parseLimits';
import { ParserPool, ParserPoolOptions } from './ParserPool';
import {
  deeplyNestedHtml,
  docxBomb,
  docxWithParagraphs,
  oneLineMarkdown,
  pdfWithPages,
} from './__testUtils__/hostileDocuments';
import { parsingWorker, parsingWorkers } from './__testUtils__/parsingWorkers';

jest.mock('node:worker_threads', () =>
  jest.requireActual('./__testUtils__/parsingWorkers').recordingWorkerThreads(),
);

jest.setTimeout(60_000);

const DOCX =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const CHUNKING = { maxTokens: 80, overlapTokens: 10 };

const POOL: ParserPoolOptions = {
  workers: 2,
  heapMegabytes: 256,
  timeoutMs: 30_000,
  limits: DEFAULT_PARSE_LIMITS,
};

/**
 * Letters without a break: the tokenizer takes seconds over 100,000 of them.
 * A different letter for each document: a worker caches what it tokenized.
 */
const slowText = (letters: number, letter = 'a') =>
  Buffer.from(letter.repeat(letters));
const slowLimits = { ...DEFAULT_PARSE_LIMITS, maxRunCharacters: 10_000_000 };

const pools: ParserPool[] = [];
function pool(options: Partial<ParserPoolOptions> = {}) {
  const created = new ParserPool({ ...POOL, ...options });
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map(p => p.close()));
});

describe('ParserPool', () => {
  it('makes the same chunks in a worker as in process, for every format', async () => {
    const parser = pool();
    const paragraphs = Array.from(
      { length: 30 },
      (_, i) => `Paragraph ${i} says where the backups of environment ${i} go.`,
    );
    const documents: Array<[string, Buffer]> = [
      ['text/markdown', Buffer.from(`# Guide\n\n${paragraphs.join('\n\n')}`)],
      ['text/plain', Buffer.from(paragraphs.join('\n\n'))],
      [
        'text/html',
        Buffer.from(`<h1>Guide</h1>${paragraphs.map(p => `<p>${p}</p>`)}`),
      ],
      ['application/pdf', pdfWithPages(3)],
      [DOCX, docxWithParagraphs(paragraphs)],
    ];
    for (const [contentType, bytes] of documents) {
      const inWorker = await parser.parse(bytes, {
        contentType,
        chunking: CHUNKING,
      });
      expect(inWorker.length).toBeGreaterThan(0);
      expect(inWorker).toEqual(
        await parseAndChunk(bytes, {
          contentType,
          chunking: CHUNKING,
          limits: DEFAULT_PARSE_LIMITS,
        }),
      );
    }
    // The caller's bytes are copied to the worker, not moved.
    expect(documents[0][1].toString()).toMatch(/^# Guide/);
  });

  it('fails each of the hostile documents with the limit it hit', async () => {
    const parser = pool();
    const failure = (bytes: Buffer, contentType: string) =>
      parser.parse(bytes, { contentType, chunking: CHUNKING }).then(
        () => {
          throw new Error(`${contentType} parsed`);
        },
        (error: unknown) => error as DocumentLimitError,
      );
    const oneLine = oneLineMarkdown(15_000_000);
    const cases: Array<[Buffer, string, string, RegExp]> = [
      [
        pdfWithPages(20_000),
        'application/pdf',
        'pdf-pages',
        /^The PDF has 20,000 pages; the limit is 2,000 \(docuchat\.ingestion\.limits\.maxPdfPages\)$/,
      ],
      [
        deeplyNestedHtml(200_000),
        'text/html',
        'nesting-depth',
        /^The HTML nests elements more than 256 levels deep/,
      ],
      [
        oneLine,
        'text/markdown',
        'run-length',
        /^The Markdown has more than 1,000,000 characters without a blank line/,
      ],
      [
        oneLine,
        'text/plain',
        'run-length',
        /^The document has 15,000,000 characters in a row without a space or line break; the limit is 10,000 \(docuchat\.ingestion\.limits\.maxRunCharacters\)$/,
      ],
      [
        docxBomb(1_200_000_000),
        DOCX,
        'inflated-bytes',
        /^The DOCX document's contents inflate to more than 100 MB, the limit/,
      ],
      [
        Buffer.from(`${'- '.repeat(5000)}deep`),
        'text/markdown',
        'nesting-depth',
        /^The Markdown nests block quotes, lists or emphasis more than 256 levels deep/,
      ],
    ];
    for (const [bytes, contentType, limit, message] of cases) {
      const error = await failure(bytes, contentType);
      expect(error).toBeInstanceOf(DocumentLimitError);
      expect({ limit: error.limit, message: error.message }).toEqual({
        limit,
        message: expect.stringMatching(message),
      });
    }
  });

  it('passes the unreadable reasons through, and counts chunks against the limit', async () => {
    const parser = pool({ limits: { ...DEFAULT_PARSE_LIMITS, maxChunks: 3 } });
    const unreadable = await parser
      .parse(Buffer.from('%PDF-1.7 garbage'), {
        contentType: 'application/pdf',
        chunking: CHUNKING,
      })
      .catch(error => error);
    expect(unreadable).toBeInstanceOf(UnreadableDocumentError);
    expect(unreadable.reason).toBe('corrupt');

    const long = Array.from(
      { length: 100 },
      (_, i) => `Sentence ${i} of a document too long for three chunks.`,
    ).join(' ');
    const tooMany = await parser
      .parse(Buffer.from(long), {
        contentType: 'text/plain',
        chunking: CHUNKING,
      })
      .catch(error => error);
    expect(tooMany).toBeInstanceOf(DocumentLimitError);
    expect(tooMany.message).toBe(
      'The document would make more than 3 chunks (of at most 80 tokens), the limit per document (docuchat.ingestion.limits.maxChunksPerDocument)',
    );
  });

  it('stops a document at the timeout, and the next one gets a fresh worker', async () => {
    const parser = pool({ workers: 1, timeoutMs: 5000, limits: slowLimits });
    const started = Date.now();
    const error = await parser
      .parse(slowText(300_000), {
        contentType: 'text/plain',
        chunking: CHUNKING,
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(DocumentLimitError);
    expect(error.limit).toBe('timeout');
    expect(error.message).toBe(
      'Parsing took longer than 5 s; the worker was stopped (docuchat.ingestion.limits.parseTimeoutSeconds)',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(
      parser.parse(Buffer.from('Still parsing.'), {
        contentType: 'text/plain',
        chunking: CHUNKING,
      }),
    ).resolves.toHaveLength(1);
  });

  it('fails a document that needs more than the heap limit, and recovers', async () => {
    const parser = pool({ workers: 1, heapMegabytes: 64 });
    const error = await parser
      .parse(Buffer.from('word\n\n'.repeat(1_000_000)), {
        contentType: 'text/markdown',
        chunking: CHUNKING,
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(DocumentLimitError);
    expect(error.limit).toBe('memory');
    expect(error.message).toMatch(/more than the parser's 64 MB of memory/);
    await expect(
      parser.parse(Buffer.from('Small.'), {
        contentType: 'text/plain',
        chunking: CHUNKING,
      }),
    ).resolves.toHaveLength(1);
  });

  it('gives a document whose worker died a fresh worker once, then fails it', async () => {
    const parser = pool({ workers: 1, limits: slowLimits });
    const request = { contentType: 'text/plain', chunking: CHUNKING };
    const expected = await parseAndChunk(slowText(30_000), {
      ...request,
      limits: slowLimits,
    });

    // Killed once mid-parse: parsed again in a new worker.
    const before = parsingWorkers.length;
    const retried = parser.parse(slowText(30_000), request);
    await (await parsingWorker(before + 1)).terminate();
    await expect(retried).resolves.toEqual(expected);
    expect(parsingWorkers.length).toBe(before + 2);

    // Killed twice (the worker that takes it, then its replacement): failed
    // with the reason, not tried a third time.
    const failed = parser.parse(slowText(30_000, 'b'), request).catch(e => e);
    await (await parsingWorker(before + 3)).terminate();
    await (await parsingWorker(before + 4)).terminate();
    const error = await failed;
    expect(error).toBeInstanceOf(ParserCrashedError);
    expect(error.message).toMatch(
      /^The parser worker stopped unexpectedly twice while parsing the document \(exit code \d+/,
    );

    await expect(
      parser.parse(Buffer.from('After the crash.'), request),
    ).resolves.toHaveLength(1);
    expect(parsingWorkers.length).toBe(before + 5);
  });

  it('stops the worker of an aborted parse, and close waits for running ones', async () => {
    const parser = pool({ workers: 1, limits: slowLimits });
    const request = { contentType: 'text/plain', chunking: CHUNKING };
    const controller = new AbortController();
    const before = parsingWorkers.length;
    const aborted = parser
      .parse(slowText(300_000), request, controller.signal)
      .catch(e => e);
    const abortedWorker = await parsingWorker(before + 1);
    controller.abort(new Error('shutting down'));
    expect((await aborted).message).toBe('shutting down');

    const running = parser.parse(Buffer.from('Finishes first.'), request);
    expect(await parsingWorker(before + 2)).not.toBe(abortedWorker);
    await parser.close();
    await expect(running).resolves.toHaveLength(1);
    expect(parser.size).toBe(0);
    await expect(parser.parse(Buffer.from('x'), request)).rejects.toThrow(
      'The parser pool is closed',
    );
  });
});
