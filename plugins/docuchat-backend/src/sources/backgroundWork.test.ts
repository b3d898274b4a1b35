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
  RecordedEvent,
  recordingAuditor,
} from '../__testUtils__/recordingAuditor';
import {
  behaviours,
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';

jest.setTimeout(60_000);

const EMBEDDINGS = 'POST /v1/embeddings';
const SECRET_TEXT = 'The vault combination is 4242-ultraviolet-heron';
const DOCUMENT = [
  '# Vault',
  SECRET_TEXT,
  '## Backups',
  'Nightly backups of PostgreSQL are kept for thirty days in object storage.',
].join('\n\n');

/**
 * Ingestion's durable claims as the API sees them (delete and reindex win
 * over a running ingestion), and the audit events of every change, on
 * SQLite (the claims are tested on every database in the store's tests,
 * and with real processes on PostgreSQL 17 in crashSafety.test.ts).
 */
describe('background work and audit events', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let openAi: OpenAiTestServer;
  let events: RecordedEvent[];
  let server: any;
  let knex: Knex;

  beforeEach(async () => {
    openAi = await startOpenAiTestServer();
    events = [];
    const auditor = recordingAuditor(events);
    knex = await databases.init('SQLITE_3');
    server = await startDocuchatTestBackend({
      knex,
      openAiBaseURL: openAi.baseURL,
      features: [auditor.factory],
      docuchat: {
        ingestion: {
          chunkTokens: 80,
          overlapTokens: 10,
          leaseSeconds: 0.3,
          pollSeconds: 0.2,
        },
      },
    });
  });

  afterEach(() => openAi.close());

  const upload = async (text: string) => {
    const res = await request(server)
      .post('/api/docuchat/tenants/acme/documents')
      .set('Authorization', as(ALICE))
      .send({ title: 'Vault', text });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const statusOf = async (id: string) =>
    (await knex('docuchat_documents').where({ id }).first())?.status;
  const waitForStatus = async (id: string, status: string) => {
    for (let i = 0; i < 200 && (await statusOf(id)) !== status; i++) {
      await new Promise(done => setTimeout(done, 25));
    }
    expect(await statusOf(id)).toBe(status);
  };
  /** Until ingestion is in its model call (parsing, in a worker, is over). */
  const waitForEmbeddingCall = async () => {
    for (let i = 0; i < 800 && !openAi.requestsTo(EMBEDDINGS).length; i++) {
      await new Promise(done => setTimeout(done, 25));
    }
    expect(openAi.requestsTo(EMBEDDINGS)).toHaveLength(1);
  };

  it('audits tenant and document changes, and never with a secret or the text', async () => {
    const created = await request(server)
      .post('/api/docuchat/tenants')
      .set('Authorization', as(ADMIN))
      .send({
        id: 'initech',
        displayName: 'Initech',
        contactEmail: 'billing@initech.example',
        ownerRef: 'group:default/initech',
      });
    expect(created.status).toBe(201);
    const patched = await request(server)
      .patch('/api/docuchat/tenants/initech')
      .set('Authorization', as(ADMIN))
      .send({ mobile: '09121234567' });
    expect(patched.status).toBe(200);
    const missing = await request(server)
      .patch('/api/docuchat/tenants/nobody')
      .set('Authorization', as(ADMIN))
      .send({ displayName: 'Nobody' });
    // Refused by the permission check before any change is attempted: an
    // unknown tenant is not an audited state change.
    expect(missing.status).toBe(404);

    const id = await upload(DOCUMENT);
    await waitUntilReady(server, 'acme', id, ALICE);
    const reindexed = await request(server)
      .post(`/api/docuchat/tenants/acme/documents/${id}/reindex`)
      .set('Authorization', as(ALICE));
    expect(reindexed.status).toBe(202);
    await waitForStatus(id, 'ready');
    const deleted = await request(server)
      .delete(`/api/docuchat/tenants/acme/documents/${id}`)
      .set('Authorization', as(ALICE));
    expect(deleted.status).toBe(204);

    openAi.script(EMBEDDINGS, behaviours.contentFilterRejection());
    const failing = await upload(`${DOCUMENT}\n\nAnother copy.`);
    await waitForStatus(failing, 'failed');
    // The failure's audit event is written right after the status.
    await new Promise(done => setTimeout(done, 100));

    const summary = events.map(e => [e.eventId, e.outcome, e.fromRequest]);
    expect(summary).toEqual([
      ['tenant-create', 'success', true],
      ['tenant-update', 'success', true],
      ['document-upload', 'success', true],
      ['document-ingestion', 'success', false],
      ['document-reindex', 'success', true],
      ['document-ingestion', 'success', false],
      ['document-delete', 'success', true],
      ['document-upload', 'success', true],
      ['document-ingestion', 'fail', false],
    ]);
    expect(events[0].meta).toEqual({
      tenantId: 'initech',
      ownerRef: 'group:default/initech',
    });
    expect(events[1].meta).toEqual({ tenantId: 'initech', fields: 'mobile' });
    expect(events[2]).toMatchObject({
      meta: { tenantId: 'acme', contentType: 'text/plain' },
      outcomeMeta: { documentId: id, duplicate: false },
    });
    expect(events[3].outcomeMeta).toEqual({
      chunkCount: expect.any(Number),
    });
    expect(events[4].meta).toMatchObject({
      tenantId: 'acme',
      documentId: id,
      previousStatus: 'ready',
    });
    expect(events[8]).toMatchObject({
      meta: { tenantId: 'acme', documentId: failing },
      severityLevel: 'medium',
      error: expect.stringMatching(/filtered|content/i),
    });

    const everything = JSON.stringify(events);
    expect(everything).not.toContain('vault combination');
    expect(everything).not.toContain('4242');
    expect(everything).not.toContain('test-key');
    expect(everything).not.toContain('billing@initech.example');
    expect(everything).not.toContain('09121234567');
  });

  it('ingests small documents uploaded together in shared embedding calls, each ready, billed and audited on its own', async () => {
    // The first call waits a moment, so the others queue up behind it.
    openAi.script(EMBEDDINGS, behaviours.respond({ delayMs: 400 }));
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      ids.push(await upload(`Runbook ${i}: the vault is opened on day ${i}.`));
    }
    for (const id of ids) {
      expect((await waitUntilReady(server, 'acme', id, ALICE)).status).toBe(
        'ready',
      );
    }
    const calls = openAi.requestsTo(EMBEDDINGS);
    expect(calls.length).toBeLessThan(ids.length);
    expect(calls.flatMap(c => c.body.input)).toHaveLength(ids.length);
    const rows = await knex('docuchat_usage')
      .whereIn('document_id', ids)
      .select('document_id', 'status');
    expect(new Set(rows.map(r => r.document_id))).toEqual(new Set(ids));
    expect(rows.every(r => r.status === 'settled')).toBe(true);
    const audited = events
      .filter(e => e.eventId === 'document-ingestion')
      .map(e => (e.meta as { documentId: string }).documentId);
    expect(new Set(audited)).toEqual(new Set(ids));
  });

  it('lets a delete win over a running ingestion: the model call is stopped, nothing is stored', async () => {
    openAi.script(EMBEDDINGS, behaviours.hang());
    const id = await upload(DOCUMENT);
    await waitForStatus(id, 'processing');
    await waitForEmbeddingCall();
    const deleted = await request(server)
      .delete(`/api/docuchat/tenants/acme/documents/${id}`)
      .set('Authorization', as(ALICE));
    expect(deleted.status).toBe(204);
    // The lease renewal finds the row gone and aborts the embedding call.
    const [hung] = openAi.requestsTo(EMBEDDINGS);
    expect(await hung.closed).toBe('early');
    await new Promise(done => setTimeout(done, 300));
    expect(await knex('docuchat_documents').where({ id })).toEqual([]);
    expect(await knex('docuchat_chunks').where({ document_id: id })).toEqual(
      [],
    );
    expect(events.map(e => e.eventId)).not.toContain('document-ingestion');
  });

  it('reindexes a document in any state: a running ingestion starts over', async () => {
    openAi.script(EMBEDDINGS, behaviours.hang());
    const id = await upload(DOCUMENT);
    await waitForStatus(id, 'processing');
    await waitForEmbeddingCall();
    const reindexed = await request(server)
      .post(`/api/docuchat/tenants/acme/documents/${id}/reindex`)
      .set('Authorization', as(ALICE));
    expect(reindexed.status).toBe(202);
    const done = await waitUntilReady(server, 'acme', id, ALICE);
    expect(done.status).toBe('ready');
    const [hung] = openAi.requestsTo(EMBEDDINGS);
    expect(await hung.closed).toBe('early');
    const chunks = await knex('docuchat_chunks').where({ document_id: id });
    expect(chunks).toHaveLength(done.chunkCount);
    expect(new Set(chunks.map(c => c.ordinal)).size).toBe(done.chunkCount);
  });
});
