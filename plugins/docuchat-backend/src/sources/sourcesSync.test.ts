import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { ADMIN, ALICE, as, BOB } from '../__testUtils__/testUsers';
import { applyDatabaseMigrations } from '../database/migrations';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import {
  createPortalRepository,
  SitePages,
  startPortalTestBackend,
  waitForDocuments,
  waitForSync,
  writeSite,
} from '../__testUtils__/portalTestBackend';

jest.setTimeout(180_000);

const PAGES: SitePages = {
  'index.md':
    '# Billing\n\nThe billing service bills every tenant once a day.\n\n## Support\n\nAsk the platform team.\n',
  'invoices.md':
    '# Invoices\n\nInvoices are issued in Rials at Tehran midnight.\n\n## Payment\n\nTenants pay through Zibal.\n',
  'refunds.md':
    '# Refunds\n\nRefunds are made in the Zibal panel, never through the API.\n',
  // Renders to a page without text: the parser refuses it.
  'diagram.md': '![](architecture.png)\n',
};

describe('tenant sources against the real catalog and TechDocs backend', () => {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_17', 'POSTGRES_15', 'SQLITE_3'],
  });
  let openAi: OpenAiTestServer;
  let repository: string;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
  });
  afterAll(() => openAi.close());
  beforeEach(async () => {
    repository = await createPortalRepository(PAGES);
  });
  afterEach(() => rm(repository, { recursive: true, force: true }));

  const embeddedTexts = () =>
    openAi
      .requestsTo('POST /v1/embeddings')
      .flatMap(r => [r.body.input].flat() as string[]);

  it.each(databases.eachSupportedId())(
    'syncs, re-syncs, changes, deletes and reports a page it cannot parse on %p',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const server = await startPortalTestBackend({
        knex,
        openAiBaseURL: openAi.baseURL,
        repository,
      });
      const api = (path: string) => `/api/docuchat/tenants/acme${path}`;

      // Added on Alice's behalf: her catalog permissions apply, so the
      // vault's docs (owned by a group she is not in) are never read.
      const created = await request(server)
        .post(api('/sources'))
        .set('Authorization', as(ALICE))
        .send({ kind: 'techdocs', filter: 'kind=component' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        kind: 'techdocs',
        status: 'syncing',
      });
      const sourceId = created.body.id;
      const first = await waitForSync(server, 'acme', sourceId, ALICE);
      expect(first.lastSync).toMatchObject({
        outcome: 'partial',
        trigger: ALICE,
        counts: { added: 3, changed: 0, removed: 0, failed: 1, unchanged: 0 },
      });
      expect(first.lastSync.errors).toEqual([
        {
          key: 'component:default/billing/diagram/index.html',
          message: 'The document contains no text (only whitespace or markup)',
        },
      ]);
      let documents = await waitForDocuments(server, 'acme', ALICE);
      expect(documents.map((d: any) => d.title).sort()).toEqual([
        'billing: Billing',
        'billing: Invoices',
        'billing: Refunds',
      ]);
      expect(documents.every((d: any) => d.status === 'ready')).toBe(true);
      expect(documents.map((d: any) => d.origin.url).sort()).toEqual([
        '/docs/default/component/billing/',
        '/docs/default/component/billing/invoices/',
        '/docs/default/component/billing/refunds/',
      ]);
      expect(JSON.stringify(embeddedTexts())).not.toMatch(/master key/);
      // Headings are kept: a passage knows it is under Invoices › Payment.
      const search = await request(server)
        .get(api('/search'))
        .query({ q: 'pay through Zibal', mode: 'fulltext' })
        .set('Authorization', as(ALICE));
      expect(search.body.hits[0]).toMatchObject({
        documentTitle: 'billing: Invoices',
        headingPath: ['Invoices', 'Payment'],
        sourceUrl: '/docs/default/component/billing/invoices/',
      });

      // Sync embeddings are billed to the tenant, marked with the source.
      const ledger = await knex('docuchat_usage').where({ tenant_id: 'acme' });
      expect(ledger.length).toBeGreaterThan(0);
      expect(ledger.every(row => row.source_id === sourceId)).toBe(true);
      expect(ledger.every(row => Boolean(row.billable))).toBe(true);

      // Nothing changed: not a single embedding call.
      const callsBefore = openAi.requestsTo('POST /v1/embeddings').length;
      await request(server)
        .post(api(`/sources/${sourceId}/sync`))
        .set('Authorization', as(ALICE))
        .expect(202);
      const resync = await waitForSync(server, 'acme', sourceId, ALICE);
      expect(resync.lastSync.counts).toEqual({
        added: 0,
        changed: 0,
        removed: 0,
        failed: 1,
        unchanged: 3,
      });
      await waitForDocuments(server, 'acme', ALICE);
      expect(openAi.requestsTo('POST /v1/embeddings')).toHaveLength(
        callsBefore,
      );

      // One page changed, one removed: only the changed page is embedded.
      const changed: SitePages = {
        'index.md': PAGES['index.md'],
        'invoices.md':
          '# Invoices\n\nInvoices are issued in Tomans at Tehran midnight.\n\n## Payment\n\nTenants pay through Zibal.\n',
        'diagram.md': PAGES['diagram.md'],
      };
      await rm(`${repository}/billing-docs/docs/refunds.md`);
      await writeSite(repository, 'billing', changed);
      const textsBefore = embeddedTexts().length;
      // TechDocs rebuilds a site at most once a minute: let a minute pass.
      const realNow = Date.now;
      const later = jest
        .spyOn(Date, 'now')
        .mockImplementation(() => realNow() + 61_000);
      try {
        await request(server)
          .post(api(`/sources/${sourceId}/sync`))
          .set('Authorization', as(ALICE))
          .expect(202);
        const third = await waitForSync(server, 'acme', sourceId, ALICE);
        expect(third.lastSync.counts).toEqual({
          added: 0,
          changed: 1,
          removed: 1,
          failed: 1,
          unchanged: 1,
        });
        documents = await waitForDocuments(server, 'acme', ALICE);
      } finally {
        later.mockRestore();
      }
      const newTexts = embeddedTexts().slice(textsBefore);
      expect(newTexts.length).toBeGreaterThan(0);
      expect(newTexts.every(text => /Invoices|Payment|Zibal/.test(text))).toBe(
        true,
      );
      expect(newTexts.join(' ')).toMatch(/Tomans/);
      expect(newTexts.join(' ')).not.toMatch(/bills every tenant|Refunds/);
      expect(documents.map((d: any) => d.title).sort()).toEqual([
        'billing: Billing',
        'billing: Invoices',
      ]);

      // Read only: a source's document is neither deleted nor reindexed alone.
      const invoices = documents.find(
        (d: any) => d.title === 'billing: Invoices',
      );
      const refused = await request(server)
        .delete(api(`/documents/${invoices.id}`))
        .set('Authorization', as(ALICE));
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/belongs to a source/);

      // Answers cite the TechDocs page.
      const asked = await request(server)
        .post(api('/ask'))
        .set('Authorization', as(ALICE))
        .send({
          question: 'In which currency are invoices issued?',
          stream: false,
        });
      expect(asked.status).toBe(200);
      expect(asked.body.citations.map((c: any) => c.sourceUrl)).toContain(
        '/docs/default/component/billing/invoices/',
      );

      // Deleting the source deletes its documents and their chunks.
      await request(server)
        .delete(api(`/sources/${sourceId}`))
        .set('Authorization', as(ALICE))
        .expect(204);
      expect(await waitForDocuments(server, 'acme', ALICE)).toEqual([]);
      const [{ n }] = await knex('docuchat_chunks').count({ n: '*' });
      expect(Number(n)).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'renders catalog entities, keeps the schedule to what a user could read, and refuses strangers on %p',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const scheduler = mockServices.scheduler();
      const server = await startPortalTestBackend({
        knex,
        openAiBaseURL: openAi.baseURL,
        repository,
        scheduler,
      });
      const api = (path: string) => `/api/docuchat/tenants/acme${path}`;
      const created = await request(server)
        .post(api('/sources'))
        .set('Authorization', as(ALICE))
        .send({
          kind: 'catalog',
          filter: 'kind=component,spec.system=payments',
        });
      expect(created.status).toBe(201);
      const synced = await waitForSync(server, 'acme', created.body.id, ALICE);
      expect(synced.lastSync.counts).toMatchObject({ added: 1, failed: 0 });
      const [entity] = await waitForDocuments(server, 'acme', ALICE);
      expect(entity).toMatchObject({
        title: 'billing',
        status: 'ready',
        origin: { kind: 'catalog', url: '/catalog/default/component/billing' },
      });
      const owner = await request(server)
        .get(api('/search'))
        .query({ q: 'who owns billing', mode: 'fulltext' })
        .set('Authorization', as(ALICE));
      expect(owner.body.hits).toHaveLength(1);
      expect(owner.body.hits[0].text).toMatch(
        new RegExp(`Owner: ${ALICE}[\\s\\S]*billing status page`),
      );
      expect(owner.body.hits[0].text).toContain(
        'backstage.io/techdocs-ref: dir:./billing-docs',
      );
      expect(owner.body.hits[0].text).not.toMatch(/managed-by/);

      // The schedule has no user: it reads only what Alice's sync could
      // (the vault matches the filter too, and the plugin could read it).
      await scheduler.triggerTask('docuchat-sources-sync');
      const all = await request(server)
        .get(api('/sources'))
        .set('Authorization', as(ALICE));
      expect(all.body.items).toHaveLength(1);
      expect(all.body.items[0]).not.toHaveProperty('admittedRefs');
      expect(all.body.items[0].lastSync).toMatchObject({
        trigger: 'schedule',
        outcome: 'ok',
        counts: { added: 0, unchanged: 1, removed: 0 },
      });
      expect(JSON.stringify(embeddedTexts())).not.toMatch(/master keys/);

      // Strangers and bad input.
      const stranger = await request(server)
        .post(api('/sources'))
        .set('Authorization', as(BOB))
        .send({ kind: 'catalog', filter: 'kind=component' });
      expect(stranger.status).toBe(404);
      const bad = await request(server)
        .post(api('/sources'))
        .set('Authorization', as(ADMIN))
        .send({ kind: 'catalog', filter: 'kind component' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/key=value pairs/);
      const huge = await request(server)
        .post(api('/sources'))
        .set('Authorization', as(ADMIN))
        .send({ kind: 'catalog', filter: `kind=${'x'.repeat(70 * 1024)}` });
      expect(huge.status).toBe(413);
      expect(huge.body.error.message).toMatch(/exceeds the limit/);
      const unknown = await request(server)
        .post(api('/sources'))
        .set('Authorization', as(ADMIN))
        .send({ kind: 'wiki', filter: 'kind=component' });
      expect(unknown.status).toBe(400);
    },
  );
});
