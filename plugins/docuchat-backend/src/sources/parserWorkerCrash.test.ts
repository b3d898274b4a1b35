import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import {
  ALICE,
  as,
  startDocuchatTestBackend,
  waitUntilReady,
} from '../__testUtils__/docuchatTestBackend';
import {
  parsingWorker,
  parsingWorkers,
} from '../ingest/__testUtils__/parsingWorkers';

jest.mock('node:worker_threads', () =>
  jest
    .requireActual('../ingest/__testUtils__/parsingWorkers')
    .recordingWorkerThreads(),
);

jest.setTimeout(90_000);

describe('a parser worker killed mid-parse', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let openAi: OpenAiTestServer;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
  });
  afterAll(() => openAi.close());

  /**
   * Letters without a break: seconds of tokenizing with the limit raised. A
   * different letter for each document: a worker caches what it tokenized.
   */
  const slowDocument = (n: number) => ({
    title: `Slow ${n}`,
    text: String.fromCharCode(96 + n).repeat(60_000),
  });

  it('retries the document once in a new worker, fails it the second time, and the pool carries on', async () => {
    const server = await startDocuchatTestBackend({
      knex: await databases.init('SQLITE_3'),
      openAiBaseURL: openAi.baseURL,
      docuchat: {
        ingestion: {
          chunkTokens: 400,
          overlapTokens: 10,
          parserWorkers: 1,
          limits: { maxRunCharacters: 1_000_000 },
        },
      },
    });
    const upload = async (body: object) => {
      const res = await request(server)
        .post('/api/docuchat/tenants/acme/documents')
        .set('Authorization', as(ALICE))
        .send(body);
      expect(res.status).toBe(202);
      return res.body.id as string;
    };

    // Killed once: parsed again in a fresh worker, and ready.
    const retried = await upload(slowDocument(1));
    const first = await parsingWorker(1);
    await first.terminate();
    expect(await waitUntilReady(server, 'acme', retried, ALICE)).toMatchObject({
      status: 'ready',
      chunkCount: expect.any(Number),
    });
    expect(parsingWorkers).toHaveLength(2);
    expect(parsingWorkers[1]).not.toBe(first);

    // Killed twice (the worker that takes it, then its replacement): failed
    // with the reason, never left processing.
    const failed = await upload(slowDocument(2));
    await (await parsingWorker(3)).terminate();
    await (await parsingWorker(4)).terminate();
    expect(await waitUntilReady(server, 'acme', failed, ALICE)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(
        /^The parser worker stopped unexpectedly twice while parsing the document/,
      ),
    });

    // The pool recovered: the next document parses.
    const after = await upload({
      title: 'After',
      text: 'Parsed after the crash.',
    });
    expect(await waitUntilReady(server, 'acme', after, ALICE)).toMatchObject({
      status: 'ready',
      chunkCount: 1,
    });
  });
});
