import { mockCredentials, TestDatabaseId } from '@backstage/backend-test-utils';
import { Citation } from '@docuchat/backstage-plugin-docuchat-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DatabaseConversationStore } from '../database/DatabaseConversationStore';
import { DatabaseTenantStore } from '../database/DatabaseTenantStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { DocuchatMetrics } from '../metrics/DocuchatMetrics';
import { createConversationsRouter } from './createConversationsRouter';
import { createRouterTestApp } from '../__testUtils__/routerTestApp';
import { ADMIN, ALICE, as, BOB } from '../__testUtils__/testUsers';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';

jest.setTimeout(60_000);

const citation: Citation = {
  n: 1,
  chunkId: 'chunk-1',
  documentId: 'doc-1',
  documentTitle: 'Runbooks',
  headingPath: ['Backups'],
  snippet: 'Nightly backups are kept for thirty days',
  score: 0.5,
};

describe('createConversationsRouter', () => {
  const databases = createEveryTestDatabase();

  async function start(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const tenants = new DatabaseTenantStore(knex);
    for (const [id, ownerRef] of [
      ['acme', ALICE],
      ['initech', ALICE],
      ['globex', BOB],
    ]) {
      await tenants.create({ id, displayName: id, ownerRef } as any);
    }
    let time = Date.parse('2026-11-25T10:00:00.000Z');
    const conversations = new DatabaseConversationStore(knex, {
      now: () => new Date((time += 1000)),
    });
    const metrics = new DocuchatMetrics();
    const app = createRouterTestApp(tenants, services =>
      createConversationsRouter({
        ...services,
        conversations,
        feedbackCounter: metrics,
      }),
    );
    return { app, knex, conversations, metrics };
  }

  async function messageCount(knex: Knex) {
    const [{ n }] = await knex('docuchat_conversation_messages').count({
      n: '*',
    });
    return Number(n);
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('lists, reads and deletes the caller’s own conversations', async () => {
      const { app, knex, conversations } = await start(databaseId);
      const alice = { tenantId: 'acme', userRef: ALICE };
      const backups = await conversations.create(alice, {
        title: 'How long are backups kept?',
      });
      await conversations.appendTurn(alice, backups.id, {
        question: 'How long are backups kept?',
        answer: 'Thirty days [1].',
        citations: [citation],
        model: 'openai:gpt-4o-mini',
        requestId: 'req-00001',
      });
      const secrets = await conversations.create(alice, {
        title: 'Rotate secrets',
      });
      const latest = await conversations.create(alice, { title: 'Scaling' });

      const list = await request(app)
        .get('/tenants/acme/conversations')
        .set('Authorization', as(ALICE));
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({ id: latest.id, messageCount: 0 }),
        expect.objectContaining({ id: secrets.id, messageCount: 0 }),
        {
          id: backups.id,
          tenantId: 'acme',
          title: 'How long are backups kept?',
          createdAt: backups.createdAt,
          updatedAt: expect.any(String),
          messageCount: 2,
        },
      ]);

      const page1 = await request(app)
        .get('/tenants/acme/conversations?limit=2')
        .set('Authorization', as(ALICE));
      expect(page1.body.items.map((c: any) => c.id)).toEqual([
        latest.id,
        secrets.id,
      ]);
      const page2 = await request(app)
        .get('/tenants/acme/conversations')
        .query({ limit: 2, before: page1.body.items[1].updatedAt })
        .set('Authorization', as(ALICE));
      expect(page2.body.items.map((c: any) => c.id)).toEqual([backups.id]);

      const detail = await request(app)
        .get(`/tenants/acme/conversations/${backups.id}`)
        .set('Authorization', as(ALICE));
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        id: backups.id,
        messageCount: 2,
        messages: [
          { role: 'user', content: 'How long are backups kept?' },
          {
            role: 'assistant',
            content: 'Thirty days [1].',
            citations: [citation],
            model: 'openai:gpt-4o-mini',
            requestId: 'req-00001',
          },
        ],
      });

      const del = await request(app)
        .delete(`/tenants/acme/conversations/${backups.id}`)
        .set('Authorization', as(ALICE));
      expect(del.status).toBe(204);
      expect(await messageCount(knex)).toBe(0);
      const gone = await request(app)
        .get(`/tenants/acme/conversations/${backups.id}`)
        .set('Authorization', as(ALICE));
      expect(gone.status).toBe(404);
      expect(gone.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `Conversation ${backups.id} not found`,
      });
      const again = await request(app)
        .delete(`/tenants/acme/conversations/${backups.id}`)
        .set('Authorization', as(ALICE));
      expect(again.status).toBe(404);
    });

    it('renames and searches conversations by title', async () => {
      const { app, conversations } = await start(databaseId);
      const alice = { tenantId: 'acme', userRef: ALICE };
      const backups = await conversations.create(alice, {
        title: 'How long are BACKUPS kept?',
      });
      const discount = await conversations.create(alice, {
        title: 'Is there a 100% discount?',
      });
      await conversations.create(alice, { title: 'Scaling the pods' });
      await conversations.create(
        { tenantId: 'acme', userRef: BOB },
        { title: 'Bob asks about backups' },
      );
      const search = async (q: string) =>
        (
          await request(app)
            .get('/tenants/acme/conversations')
            .query({ q })
            .set('Authorization', as(ALICE))
        ).body.items.map((c: any) => c.title);

      expect(await search('backups')).toEqual(['How long are BACKUPS kept?']);
      // % and _ are text, not wildcards.
      expect(await search('100%')).toEqual(['Is there a 100% discount?']);
      expect(await search('_')).toEqual([]);
      expect(await search('  ')).toHaveLength(3);

      const rename = await request(app)
        .patch(`/tenants/acme/conversations/${backups.id}`)
        .set('Authorization', as(ALICE))
        .send({ title: '  Backup   retention ' });
      expect(rename.status).toBe(200);
      expect(rename.body).toMatchObject({
        id: backups.id,
        title: 'Backup retention',
        updatedAt: backups.updatedAt,
      });
      expect(await search('retention')).toEqual(['Backup retention']);
      // Renaming does not move a conversation up the list.
      const list = await request(app)
        .get('/tenants/acme/conversations')
        .set('Authorization', as(ALICE));
      expect(list.body.items.map((c: any) => c.id).slice(1)).toEqual([
        discount.id,
        backups.id,
      ]);

      for (const body of [{}, { title: '   ' }, { title: 'x', extra: 1 }]) {
        const bad = await request(app)
          .patch(`/tenants/acme/conversations/${backups.id}`)
          .set('Authorization', as(ALICE))
          .send(body);
        expect(bad.status).toBe(400);
        expect(bad.body.error.name).toBe('InputError');
      }
      const notHers = await request(app)
        .patch(`/tenants/acme/conversations/${backups.id}`)
        .set('Authorization', as(ADMIN))
        .send({ title: 'taken over' });
      expect(notHers.status).toBe(404);
      expect((await conversations.get(alice, backups.id))?.title).toBe(
        'Backup retention',
      );
    });

    it('stores feedback on answers and counts it per tenant', async () => {
      const { app, conversations, metrics } = await start(databaseId);
      const alice = { tenantId: 'acme', userRef: ALICE };
      const chat = await conversations.create(alice, { title: 'Backups' });
      await conversations.appendTurn(alice, chat.id, {
        question: 'How long are backups kept?',
        answer: 'Thirty days [1].',
        citations: [citation],
      });
      const [question, answer] = (await conversations.get(alice, chat.id))!
        .messages;
      const rate = (messageId: string, body: object, user = ALICE) =>
        request(app)
          .put(
            `/tenants/acme/conversations/${chat.id}/messages/${messageId}/feedback`,
          )
          .set('Authorization', as(user))
          .send(body);

      const down = await rate(answer.id, {
        rating: 'down',
        reason: 'Cites the wrong runbook',
      });
      expect(down.status).toBe(200);
      expect(down.body).toEqual({
        rating: 'down',
        reason: 'Cites the wrong runbook',
      });
      // A second rating replaces the first.
      expect((await rate(answer.id, { rating: 'up' })).status).toBe(200);
      const detail = await request(app)
        .get(`/tenants/acme/conversations/${chat.id}`)
        .set('Authorization', as(ALICE));
      expect(detail.body.messages[1].feedback).toEqual({ rating: 'up' });
      expect(detail.body.messages[0].feedback).toBeUndefined();

      // Questions cannot be rated; other users' answers are not found.
      expect((await rate(question.id, { rating: 'up' })).status).toBe(404);
      expect((await rate(answer.id, { rating: 'up' }, ADMIN)).status).toBe(404);
      expect((await rate(randomUUID(), { rating: 'up' })).status).toBe(404);
      for (const body of [
        {},
        { rating: 'meh' },
        { rating: 'up', reason: 'x'.repeat(1001) },
        { rating: 'up', extra: true },
      ]) {
        const bad = await rate(answer.id, body);
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(/^Invalid feedback: /);
      }
      expect((await rate('nope', { rating: 'up' })).status).toBe(400);

      const scrape = (await metrics.render()).body;
      expect(scrape).toContain(
        'docuchat_answer_feedback_total{tenant="acme",rating="down"} 1',
      );
      expect(scrape).toContain(
        'docuchat_answer_feedback_total{tenant="acme",rating="up"} 1',
      );
      expect((await conversations.get(alice, chat.id))!.messages[1]).toEqual(
        expect.objectContaining({ feedback: { rating: 'up' } }),
      );
    });

    it('never shows or deletes another user’s or tenant’s conversation', async () => {
      const { app, knex, conversations } = await start(databaseId);
      const mine = await conversations.create(
        { tenantId: 'acme', userRef: ALICE },
        { title: 'secret plans' },
      );
      await conversations.appendTurn(
        { tenantId: 'acme', userRef: ALICE },
        mine.id,
        { question: 'secret question', answer: 'secret answer' },
      );
      const call = (method: 'get' | 'delete', path: string, user: string) =>
        request(app)[method](path).set('Authorization', as(user));

      // Bob may not use acme at all: the tenant itself is not found.
      for (const path of [
        '/tenants/acme/conversations',
        `/tenants/acme/conversations/${mine.id}`,
      ]) {
        const res = await call('get', path, BOB);
        expect(res.status).toBe(404);
        expect(res.body.error.message).toBe('Tenant acme not found');
      }
      expect(
        (await call('delete', `/tenants/acme/conversations/${mine.id}`, BOB))
          .status,
      ).toBe(404);

      // The admin may use acme, but Alice's conversations are still hers.
      const adminList = await call('get', '/tenants/acme/conversations', ADMIN);
      expect(adminList.status).toBe(200);
      expect(adminList.body.items).toEqual([]);
      for (const method of ['get', 'delete'] as const) {
        const res = await call(
          method,
          `/tenants/acme/conversations/${mine.id}`,
          ADMIN,
        );
        expect(res.status).toBe(404);
        expect(res.body.error.message).toBe(
          `Conversation ${mine.id} not found`,
        );
      }

      // Alice herself, through another tenant she owns: not there either.
      for (const method of ['get', 'delete'] as const) {
        const res = await call(
          method,
          `/tenants/initech/conversations/${mine.id}`,
          ALICE,
        );
        expect(res.status).toBe(404);
      }
      const initech = await call(
        'get',
        '/tenants/initech/conversations',
        ALICE,
      );
      expect(initech.body.items).toEqual([]);

      expect(await messageCount(knex)).toBe(2);
      const still = await call(
        'get',
        `/tenants/acme/conversations/${mine.id}`,
        ALICE,
      );
      expect(still.body.messages).toHaveLength(2);
    });

    it('rejects bad requests with a clear error and deletes nothing', async () => {
      const { app, knex, conversations } = await start(databaseId);
      const mine = await conversations.create(
        { tenantId: 'acme', userRef: ALICE },
        { title: 'keep me' },
      );
      await conversations.appendTurn(
        { tenantId: 'acme', userRef: ALICE },
        mine.id,
        { question: 'q', answer: 'a' },
      );

      const badQueries: Array<[string, RegExp]> = [
        ['limit=0', /limit/],
        ['limit=101', /limit/],
        ['limit=ten', /limit/],
        ['limit=2.5', /limit/],
        ['before=yesterday', /before/],
      ];
      for (const [query, message] of badQueries) {
        const res = await request(app)
          .get(`/tenants/acme/conversations?${query}`)
          .set('Authorization', as(ALICE));
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(message),
        });
      }

      for (const method of ['get', 'delete'] as const) {
        const malformed = await request(app)
          [method]('/tenants/acme/conversations/not-a-uuid')
          .set('Authorization', as(ALICE));
        expect(malformed.status).toBe(400);
        expect(malformed.body.error.message).toBe(
          'Invalid conversationId: conversationId: must be a UUID',
        );

        // Other backend plugins act for users but have no conversations.
        const service = await request(app)
          [method](`/tenants/acme/conversations/${mine.id}`)
          .set('Authorization', mockCredentials.service.header());
        expect(service.status).toBe(403);
        expect(service.body.error.message).toBe(
          'Conversations belong to signed-in users; service principals have none',
        );

        const anonymous = await request(app)[method](
          `/tenants/acme/conversations/${mine.id}`,
        );
        expect(anonymous.status).toBe(401);

        const unknownTenant = await request(app)
          [method](`/tenants/nowhere/conversations/${randomUUID()}`)
          .set('Authorization', as(ALICE));
        expect(unknownTenant.status).toBe(404);
        expect(unknownTenant.body.error.message).toBe(
          'Tenant nowhere not found',
        );
      }

      expect(await messageCount(knex)).toBe(2);
      const [{ n }] = await knex('docuchat_conversations').count({ n: '*' });
      expect(Number(n)).toBe(1);
    });
  });
});
