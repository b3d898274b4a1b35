import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { Knex } from 'knex';
import request from 'supertest';
import {
  ALICE,
  as,
  BOB,
  startDocuchatTestBackend,
  waitUntilReady,
} from '../__testUtils__/docuchatTestBackend';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';

jest.setTimeout(60_000);

describe('DocuChat actions', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let openAi: OpenAiTestServer;
  let knex: Knex;
  // The mock registry names every action `test:<name>`.
  const registry = actionsRegistryServiceMock();

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
    knex = await databases.init('SQLITE_3');
    const server = await startDocuchatTestBackend({
      knex,
      openAiBaseURL: openAi.baseURL,
      features: [
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: {},
          factory: () => registry,
        }),
      ],
    });
    const upload = await request(server)
      .post('/api/docuchat/tenants/acme/documents')
      .set('Authorization', as(ALICE))
      .send({
        title: 'Backups',
        text: 'Nightly backups of PostgreSQL are kept for thirty days.',
      });
    await waitUntilReady(server, 'acme', upload.body.id, ALICE);
  });
  afterAll(() => openAi.close());

  it('registers ask and search', async () => {
    const { actions } = await registry.list();
    expect(actions.map(a => a.id).sort()).toEqual(['test:ask', 'test:search']);
    expect(actions.find(a => a.id === 'test:search')).toMatchObject({
      attributes: { readOnly: true },
    });
  });

  it("searches the caller's tenant", async () => {
    const { output } = await registry.invoke({
      id: 'test:search',
      input: { tenantId: 'acme', query: 'how long are backups kept' },
      credentials: mockCredentials.user(ALICE),
    });
    expect(output).toMatchObject({
      hits: [expect.objectContaining({ documentTitle: 'Backups' })],
    });
  });

  it('answers with citations, meters the call and stores no conversation', async () => {
    const { output } = await registry.invoke({
      id: 'test:ask',
      input: { tenantId: 'acme', question: 'How long are backups kept?' },
      credentials: mockCredentials.user(ALICE),
    });
    expect(output).toMatchObject({
      model: 'openai:gpt-4o-mini',
      citations: [expect.objectContaining({ n: 1, documentTitle: 'Backups' })],
    });
    const chat = await knex('docuchat_usage').where({
      operation: 'chat',
      user_ref: ALICE,
    });
    expect(chat).toHaveLength(1);
    expect(chat[0]).toMatchObject({ tenant_id: 'acme', conversation_id: null });
    expect(await knex('docuchat_conversations').count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });

  it.each(['test:ask', 'test:search'])(
    "refuses %s on another user's tenant",
    async id => {
      const before = await knex('docuchat_usage').count({ n: '*' });
      await expect(
        registry.invoke({
          id,
          input: { tenantId: 'acme', question: 'backups?', query: 'backups' },
          credentials: mockCredentials.user(BOB),
        }),
      ).rejects.toThrow(/Tenant acme not found/);
      expect(await knex('docuchat_usage').count({ n: '*' })).toEqual(before);
    },
  );
});
