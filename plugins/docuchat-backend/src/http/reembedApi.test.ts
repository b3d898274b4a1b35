import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import {
  ADMIN,
  ALICE,
  as,
  startDocuchatTestBackend,
  waitUntilReady,
} from '../__testUtils__/docuchatTestBackend';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { EMBEDDING_TEXT_VERSION } from '../embeddings/embeddingText';

jest.setTimeout(60_000);

describe('re-embedding for contextual embeddings (/maintenance/reembed)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let openAi: OpenAiTestServer;
  let knex: Knex;
  let server: any;
  let documentId: string;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
    knex = await databases.init('SQLITE_3');
    server = await startDocuchatTestBackend({
      knex,
      openAiBaseURL: openAi.baseURL,
      docuchat: {
        pricing: {
          models: [
            {
              model: 'openai:text-embedding-3-small',
              promptRialsPer1kTokens: 1000,
              completionRialsPer1kTokens: 0,
            },
          ],
        },
      },
    });
    const upload = await request(server)
      .post('/api/docuchat/tenants/acme/documents')
      .set('Authorization', as(ALICE))
      .field('title', 'Runbooks')
      .attach(
        'file',
        Buffer.from(
          '# Backups\n\nNightly backups of PostgreSQL are kept for thirty days.\n',
        ),
        { filename: 'runbooks.md', contentType: 'text/markdown' },
      );
    documentId = upload.body.id;
    await waitUntilReady(server, 'acme', documentId, ALICE);
  });
  afterAll(() => openAi.close());

  it('embeds a new document with its title and headings in front of its text, each once', () => {
    const [embedded] = openAi.requestsTo('POST /v1/embeddings');
    // The chunk opens with its heading: the path in front stops above it.
    expect((embedded.body as { input: string[] }).input[0]).toBe(
      'Runbooks\n\nBackups\n\nNightly backups of PostgreSQL are kept for thirty days.',
    );
  });

  it('shows the cost of re-embedding older documents, then queues exactly those, unbilled', async () => {
    // A document embedded before contextual embeddings.
    await knex('docuchat_documents')
      .where({ id: documentId })
      .update({ embedding_text_version: 1 });

    expect(
      (
        await request(server)
          .get('/api/docuchat/maintenance/reembed')
          .set('Authorization', as(ALICE))
      ).status,
    ).toBe(403);
    const estimate = await request(server)
      .get('/api/docuchat/maintenance/reembed')
      .set('Authorization', as(ADMIN));
    expect(estimate.status).toBe(200);
    expect(estimate.body).toMatchObject({
      embeddingModel: expect.stringMatching(/^openai:text-embedding-3-small/),
      embeddingTextVersion: EMBEDDING_TEXT_VERSION,
      documents: 1,
      chunks: 1,
      billable: false,
      tenants: [{ tenantId: 'acme', documents: 1, chunks: 1 }],
    });
    const tokens = estimate.body.estimatedTokens;
    expect(tokens).toBeGreaterThan(10);
    // 1,000 Rials per 1,000 tokens, rounded half up once.
    expect(estimate.body.estimatedRials).toBe(Math.round(tokens));

    expect(
      (
        await request(server)
          .post('/api/docuchat/maintenance/reembed')
          .set('Authorization', as(ALICE))
          .send({ documents: 1 })
      ).status,
    ).toBe(403);
    const stale = await request(server)
      .post('/api/docuchat/maintenance/reembed')
      .set('Authorization', as(ADMIN))
      .send({ documents: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/1 documents to re-embed now/);

    const embeddingsBefore = openAi.requestsTo('POST /v1/embeddings').length;
    const started = await request(server)
      .post('/api/docuchat/maintenance/reembed')
      .set('Authorization', as(ADMIN))
      .send({ documents: 1 });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ documents: 1, billable: false });
    await new Promise(r => setTimeout(r, 100));
    expect(
      await waitUntilReady(server, 'acme', documentId, ALICE),
    ).toMatchObject({ status: 'ready' });

    expect(openAi.requestsTo('POST /v1/embeddings').length).toBe(
      embeddingsBefore + 1,
    );
    const rows = await knex('docuchat_usage')
      .where({ document_id: documentId, operation: 'embedding' })
      .orderBy('occurred_at');
    expect(rows.map(row => Boolean(row.billable))).toEqual([true, false]);
    expect(
      await knex('docuchat_documents')
        .where({ id: documentId })
        .first('embedding_text_version'),
    ).toEqual({ embedding_text_version: EMBEDDING_TEXT_VERSION });
    const after = await request(server)
      .get('/api/docuchat/maintenance/reembed')
      .set('Authorization', as(ADMIN));
    expect(after.body).toMatchObject({ documents: 0, estimatedTokens: 0 });
  });
});
