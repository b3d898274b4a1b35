import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import {
  ALICE,
  ADMIN,
  as,
  BOB,
  startDocuchatTestBackend,
  waitUntilReady,
} from '../__testUtils__/docuchatTestBackend';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';

jest.setTimeout(60_000);

describe('documents API', () => {
  const databases = createEveryTestDatabase();
  let openAi: OpenAiTestServer;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
  });
  afterAll(() => openAi.close());

  async function start(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const server = await startDocuchatTestBackend({
      knex,
      openAiBaseURL: openAi.baseURL,
    });
    return { server, knex };
  }

  async function counts(knex: Knex) {
    const [docs] = await knex('docuchat_documents').count({ n: '*' });
    const [chunks] = await knex('docuchat_chunks').count({ n: '*' });
    return { documents: Number(docs.n), chunks: Number(chunks.n) };
  }

  const markdown = [
    '# Rotating secrets',
    'The rotate-secrets runbook replaces the OpenAI key and the Zibal merchant key.',
    '## Steps',
    '- Create the new key in the provider console.',
    '- Run the runbook from the portal; it restarts the backend pods.',
    '# Backups',
    'Nightly backups of PostgreSQL are kept for thirty days in object storage.',
  ].join('\n\n');

  it.each(databases.eachSupportedId())(
    'ingests, searches, isolates tenants and deletes on %p',
    async databaseId => {
      const { server, knex } = await start(databaseId);

      const upload = await request(server)
        .post('/api/docuchat/tenants/acme/documents')
        .set('Authorization', as(ALICE))
        .attach('file', Buffer.from(markdown), {
          filename: 'runbooks.md',
          contentType: 'text/markdown',
        });
      expect(upload.status).toBe(202);
      expect(upload.body).toMatchObject({
        tenantId: 'acme',
        title: 'runbooks.md',
        status: 'queued',
        duplicate: false,
      });

      const ready = await waitUntilReady(server, 'acme', upload.body.id, ALICE);
      expect(ready).toMatchObject({
        status: 'ready',
        embeddingModel: expect.stringContaining('openai:'),
      });
      expect(ready.chunkCount).toBeGreaterThanOrEqual(2);

      // The same bytes again: deduplicated per tenant.
      const again = await request(server)
        .post('/api/docuchat/tenants/acme/documents')
        .set('Authorization', as(ALICE))
        .attach('file', Buffer.from(markdown), 'copy.md');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: upload.body.id, duplicate: true });

      // Globex gets its own text document (JSON form).
      const globexDoc = await request(server)
        .post('/api/docuchat/tenants/globex/documents')
        .set('Authorization', as(BOB))
        .send({
          title: 'Globex backups',
          text: 'Globex keeps backups of PostgreSQL for ninety days.',
        });
      expect(globexDoc.status).toBe(202);
      await waitUntilReady(server, 'globex', globexDoc.body.id, BOB);

      const search = await request(server)
        .get('/api/docuchat/tenants/acme/search')
        .query({ q: 'how long are backups kept?', k: 3 })
        .set('Authorization', as(ALICE));
      expect(search.status).toBe(200);
      // Never fewer than min(k, chunk count) results.
      expect(search.body.hits).toHaveLength(Math.min(3, ready.chunkCount));
      // The test server's vectors are hashes, so rank by words alone here.
      const lexical = await request(server)
        .get('/api/docuchat/tenants/acme/search')
        .query({ q: 'how long are backups kept?', k: 3, mode: 'fulltext' })
        .set('Authorization', as(ALICE));
      expect(lexical.body.hits[0]).toMatchObject({
        documentTitle: 'runbooks.md',
        headingPath: ['Backups'],
        text: expect.stringContaining('thirty days'),
        fullTextRank: 1,
      });
      // The whole passage behind a hit (what a citation opens).
      const passagePath = `/api/docuchat/tenants/acme/chunks/${lexical.body.hits[0].chunkId}`;
      const passage = await request(server)
        .get(passagePath)
        .set('Authorization', as(ALICE));
      expect(passage.status).toBe(200);
      expect(passage.body).toEqual({
        chunkId: lexical.body.hits[0].chunkId,
        documentId: upload.body.id,
        documentTitle: 'runbooks.md',
        headingPath: ['Backups'],
        text: lexical.body.hits[0].text,
      });
      const malformed = await request(server)
        .get('/api/docuchat/tenants/acme/chunks/not-a-uuid')
        .set('Authorization', as(ALICE));
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toBe(
        'Invalid chunkId: chunkId: must be a UUID',
      );

      // Only acme's chunks, although globex's text matches the words too.
      const acmeChunkIds = (
        await knex('docuchat_chunks').where({ tenant_id: 'acme' }).select('id')
      ).map(r => r.id);
      for (const hit of search.body.hits) {
        expect(acmeChunkIds).toContain(hit.chunkId);
      }

      // Bob cannot see acme at all, through any route.
      for (const path of [
        '/api/docuchat/tenants/acme',
        '/api/docuchat/tenants/acme/documents',
        `/api/docuchat/tenants/acme/documents/${upload.body.id}`,
        '/api/docuchat/tenants/acme/search?q=backups',
        passagePath,
      ]) {
        const res = await request(server)
          .get(path)
          .set('Authorization', as(BOB));
        expect(res.status).toBe(404);
        expect(res.body.error.message).toBe('Tenant acme not found');
      }
      // Nor reach acme's document through his own tenant.
      const cross = await request(server)
        .get(`/api/docuchat/tenants/globex/documents/${upload.body.id}`)
        .set('Authorization', as(BOB));
      expect(cross.status).toBe(404);
      const crossPassage = await request(server)
        .get(
          `/api/docuchat/tenants/globex/chunks/${lexical.body.hits[0].chunkId}`,
        )
        .set('Authorization', as(BOB));
      expect(crossPassage.status).toBe(404);
      expect(crossPassage.body.error.message).toBe(
        `Passage ${lexical.body.hits[0].chunkId} not found`,
      );
      const bobsTenants = await request(server)
        .get('/api/docuchat/tenants')
        .set('Authorization', as(BOB));
      expect(bobsTenants.body.items.map((t: any) => t.id)).toEqual(['globex']);

      // Delete: the content can never be retrieved again.
      const del = await request(server)
        .delete(`/api/docuchat/tenants/acme/documents/${upload.body.id}`)
        .set('Authorization', as(ALICE));
      expect(del.status).toBe(204);
      const after = await request(server)
        .get('/api/docuchat/tenants/acme/search')
        .query({ q: 'thirty days backups rotate secrets', k: 10 })
        .set('Authorization', as(ALICE));
      expect(after.body.hits).toEqual([]);
      const gonePassage = await request(server)
        .get(passagePath)
        .set('Authorization', as(ALICE));
      expect(gonePassage.status).toBe(404);
      expect(
        Number(
          (
            await knex('docuchat_chunks')
              .where({ tenant_id: 'acme' })
              .count({ n: '*' })
          )[0].n,
        ),
      ).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'finds a chunk by its document title and headings, which its text lacks, on %p',
    async databaseId => {
      const { server } = await start(databaseId);
      const upload = (body: object) =>
        request(server)
          .post('/api/docuchat/tenants/acme/documents')
          .set('Authorization', as(ALICE))
          .send(body);
      const recovery = await upload({
        title: 'Runbooks',
        contentType: 'text/markdown',
        text: [
          '# Disaster recovery',
          'Declare the incident in the on-call channel first.',
          '## Restore',
          'Run pg_restore against the standby server.',
        ].join('\n\n'),
      });
      const postmortem = await upload({
        title: 'Postmortem template',
        text: 'Write what happened, when, and who was paged.',
      });
      await waitUntilReady(server, 'acme', recovery.body.id, ALICE);
      await waitUntilReady(server, 'acme', postmortem.body.id, ALICE);
      const fullText = async (q: string) =>
        (
          await request(server)
            .get('/api/docuchat/tenants/acme/search')
            .query({ q, k: 5, mode: 'fulltext' })
            .set('Authorization', as(ALICE))
        ).body.hits;

      // "Disaster recovery" is only in the Restore chunk's heading path.
      const restore = (await fullText('disaster recovery')).find((hit: any) =>
        hit.text.includes('pg_restore'),
      );
      expect(restore).toMatchObject({
        headingPath: ['Disaster recovery', 'Restore'],
      });
      expect(restore.text).not.toMatch(/disaster|recovery/i);
      // "Postmortem" is only in the document's title.
      expect(await fullText('postmortem')).toEqual([
        expect.objectContaining({
          documentTitle: 'Postmortem template',
          text: 'Write what happened, when, and who was paged.',
        }),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects bad input with a clear error and writes nothing on %p',
    async databaseId => {
      const { server, knex } = await start(databaseId);
      const before = await counts(knex);
      const post = () =>
        request(server)
          .post('/api/docuchat/tenants/acme/documents')
          .set('Authorization', as(ALICE));

      const tooLarge = await post().attach(
        'file',
        Buffer.alloc(1024 * 1024 + 1, 'a'),
        { filename: 'big.txt', contentType: 'text/plain' },
      );
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.error.message).toMatch(/1 MB|1048576/);

      const unsupported = await post().attach('file', Buffer.from('GIF89a'), {
        filename: 'logo.gif',
        contentType: 'image/gif',
      });
      expect(unsupported.status).toBe(415);
      expect(unsupported.body.error.message).toMatch(/image\/gif/);

      const empty = await post().attach('file', Buffer.alloc(0), {
        filename: 'empty.txt',
        contentType: 'text/plain',
      });
      expect(empty.status).toBe(422);
      expect(empty.body.error.message).toMatch(/empty/i);

      // The cheap checks on the request path: a format's signature, the
      // text's encoding.
      const notPdf = await post().attach('file', Buffer.from('GIF89a'), {
        filename: 'logo.pdf',
        contentType: 'application/pdf',
      });
      expect(notPdf.status).toBe(422);
      expect(notPdf.body.error.message).toMatch(/not a readable PDF/);
      const notUtf8 = await post().attach(
        'file',
        Buffer.from([0x48, 0x69, 0x20, 0xc3, 0x28]),
        { filename: 'notes.txt', contentType: 'text/plain' },
      );
      expect(notUtf8.status).toBe(422);
      expect(notUtf8.body.error.message).toMatch(/not valid utf-8/);

      const noTitle = await post().send({ text: 'hello' });
      expect(noTitle.status).toBe(400);
      expect(noTitle.body.error.message).toMatch(/title/);

      const badSearch = await request(server)
        .get('/api/docuchat/tenants/acme/search?k=5')
        .set('Authorization', as(ALICE));
      expect(badSearch.status).toBe(400);
      expect(badSearch.body.error.message).toMatch(/q/);

      expect(await counts(knex)).toEqual(before);

      // What only parsing finds (a PDF damaged after its header) is
      // accepted, parsed in a worker, and fails there with the reason.
      const damaged = await post().attach(
        'file',
        Buffer.from('%PDF-1.7 garbage'),
        { filename: 'broken.pdf', contentType: 'application/pdf' },
      );
      expect(damaged.status).toBe(202);
      expect(
        await waitUntilReady(server, 'acme', damaged.body.id, ALICE),
      ).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^The file is not a readable PDF/),
        chunkCount: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'lets only admins manage tenants on %p',
    async databaseId => {
      const { server } = await start(databaseId);
      const body = { id: 'initech', displayName: 'Initech', ownerRef: BOB };

      const denied = await request(server)
        .post('/api/docuchat/tenants')
        .set('Authorization', as(ALICE))
        .send(body);
      expect(denied.status).toBe(403);

      const created = await request(server)
        .post('/api/docuchat/tenants')
        .set('Authorization', as(ADMIN))
        .send(body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...body, pricePlan: 'default' });

      const duplicate = await request(server)
        .post('/api/docuchat/tenants')
        .set('Authorization', as(ADMIN))
        .send(body);
      expect(duplicate.status).toBe(409);

      const invalid = await request(server)
        .post('/api/docuchat/tenants')
        .set('Authorization', as(ADMIN))
        .send({
          id: 'Not A Slug',
          displayName: '',
          ownerRef: BOB,
          mobile: '123',
        });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.message).toMatch(/id: must be/);
      expect(invalid.body.error.message).toMatch(/mobile/);

      const updated = await request(server)
        .patch('/api/docuchat/tenants/initech')
        .set('Authorization', as(ADMIN))
        .send({ displayName: 'Initech Corp', mobile: '09121234567' });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        displayName: 'Initech Corp',
        mobile: '09121234567',
      });

      const all = await request(server)
        .get('/api/docuchat/tenants')
        .set('Authorization', as(ADMIN));
      expect(all.body.items.map((t: any) => t.id)).toEqual([
        'acme',
        'globex',
        'initech',
      ]);
    },
  );
});
