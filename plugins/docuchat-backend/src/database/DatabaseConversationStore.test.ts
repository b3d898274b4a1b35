import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Citation } from '@docuchat/backstage-plugin-docuchat-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { DatabaseConversationStore } from './DatabaseConversationStore';
import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from './__testUtils__/testDatabases';

const MIGRATION = '20261125040000_conversations.js';
const FEEDBACK = '20261202030000_answer_feedback.js';
const migrationsDir = resolvePackagePath(
  '@docuchat/backstage-plugin-docuchat-backend',
  'migrations',
);

jest.setTimeout(60_000);

const ALICE_ACME = { tenantId: 'acme', userRef: 'user:default/alice' };
const BOB_ACME = { tenantId: 'acme', userRef: 'user:default/bob' };
const ALICE_GLOBEX = { tenantId: 'globex', userRef: 'user:default/alice' };

const citation: Citation = {
  n: 1,
  chunkId: 'chunk-1',
  documentId: 'doc-1',
  documentTitle: 'Runbooks',
  headingPath: ['Backups', 'Retention'],
  snippet: 'Nightly backups are kept for thirty days',
  score: 0.031,
};

async function count(knex: Knex, table: string) {
  const [{ n }] = await knex(table).count({ n: '*' });
  return Number(n);
}

/** A clock that only moves when told, so ordering is deterministic. */
function manualClock(start = '2026-11-25T10:00:00.000Z') {
  let time = Date.parse(start);
  return {
    now: () => new Date(time),
    advance(ms = 1000) {
      time += ms;
    },
  };
}

describe('DatabaseConversationStore', () => {
  const databases = createEveryTestDatabase();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await migratedDatabaseWithTenants(databases, databaseId, [
      'acme',
      'globex',
    ]);
    const clock = manualClock();
    const store = new DatabaseConversationStore(knex, { now: clock.now });
    return { knex, store, clock };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('migrates the conversation tables up and down, constraints included', async () => {
      const knex = await migratedDatabaseWithTenants(databases, databaseId, [
        'acme',
      ]);
      const at = new Date('2026-11-25T00:00:00Z');
      const conversation = {
        id: randomUUID(),
        tenant_id: 'acme',
        user_ref: 'user:default/alice',
        title: 'Backups?',
        created_at: at,
        updated_at: at,
      };
      await knex('docuchat_conversations').insert(conversation);
      const message = (overrides: object) => ({
        id: randomUUID(),
        conversation_id: conversation.id,
        ordinal: 0,
        role: 'user',
        content: 'How long are backups kept?',
        created_at: at,
        ...overrides,
      });
      await knex('docuchat_conversation_messages').insert(message({}));
      await knex('docuchat_conversation_messages').insert(
        message({ ordinal: 1, role: 'assistant', request_id: 'req-1' }),
      );

      // better-sqlite3 raises its errors from the first test file's realm, so
      // `toThrow()` (an instanceof Error check) misses them in later files.
      // The constraints hold without the store in front of them.
      await expect(
        knex('docuchat_conversations').insert({
          ...conversation,
          id: randomUUID(),
          tenant_id: 'nobody',
        }),
      ).rejects.toHaveProperty('message');
      await expect(
        knex('docuchat_conversation_messages').insert(message({ ordinal: 1 })),
      ).rejects.toHaveProperty('message');
      await expect(
        knex('docuchat_conversation_messages').insert(
          message({ ordinal: 2, role: 'system' }),
        ),
      ).rejects.toHaveProperty('message');
      await expect(
        knex('docuchat_conversation_messages').insert(
          message({ ordinal: 2, request_id: 'req-1' }),
        ),
      ).rejects.toHaveProperty('message');
      await expect(
        knex('docuchat_conversation_messages').insert(message({ ordinal: -1 })),
      ).rejects.toHaveProperty('message');
      await expect(
        knex('docuchat_conversation_messages').insert(
          message({ ordinal: 2, conversation_id: randomUUID() }),
        ),
      ).rejects.toHaveProperty('message');
      expect(await count(knex, 'docuchat_conversation_messages')).toBe(2);

      // Deleting the conversation takes its messages; deleting the tenant
      // takes its conversations.
      await knex('docuchat_conversations')
        .where({ id: conversation.id })
        .delete();
      expect(await count(knex, 'docuchat_conversation_messages')).toBe(0);
      const second = { ...conversation, id: randomUUID() };
      await knex('docuchat_conversations').insert(second);
      await knex('docuchat_conversation_messages').insert(
        message({ conversation_id: second.id }),
      );
      await knex('docuchat_tenants').where({ id: 'acme' }).delete();
      expect(await count(knex, 'docuchat_conversations')).toBe(0);
      expect(await count(knex, 'docuchat_conversation_messages')).toBe(0);

      // Later migrations of these tables go down first and up after them.
      await knex.migrate.down({ directory: migrationsDir, name: FEEDBACK });
      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      expect(await knex.schema.hasTable('docuchat_conversations')).toBe(false);
      expect(await knex.schema.hasTable('docuchat_conversation_messages')).toBe(
        false,
      );
      expect(await knex.schema.hasTable('docuchat_usage')).toBe(true);
      await knex.migrate.up({ directory: migrationsDir, name: MIGRATION });
      await knex.migrate.up({ directory: migrationsDir, name: FEEDBACK });
      expect(await knex.schema.hasTable('docuchat_conversations')).toBe(true);
      expect(
        await knex.schema.hasColumn(
          'docuchat_conversation_messages',
          'feedback_rating',
        ),
      ).toBe(true);
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('docuchat_conversations')).toBe(false);
    });

    it('creates, appends turns in order and reads them back', async () => {
      const { store, clock } = await setUp(databaseId);
      const created = await store.create(ALICE_ACME, {
        title: '  How long\n\tare   backups kept?  ',
      });
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        tenantId: 'acme',
        title: 'How long are backups kept?',
        createdAt: '2026-11-25T10:00:00.000Z',
        updatedAt: '2026-11-25T10:00:00.000Z',
        messageCount: 0,
      });
      expect(await store.get(ALICE_ACME, created.id)).toEqual({
        ...created,
        messages: [],
      });

      clock.advance(1500);
      expect(
        await store.appendTurn(ALICE_ACME, created.id, {
          question: 'How long are backups kept?',
          answer: 'Thirty days [1].',
          citations: [citation],
          model: 'openai:gpt-4o-mini',
          requestId: 'req-0001',
        }),
      ).toBe(true);
      clock.advance(250);
      await store.appendTurn(ALICE_ACME, created.id, {
        question: 'And on globex?',
        answer: 'I do not know.',
      });

      const detail = await store.get(ALICE_ACME, created.id);
      expect(detail).toEqual({
        ...created,
        updatedAt: '2026-11-25T10:00:01.750Z',
        messageCount: 4,
        messages: [
          {
            id: expect.any(String),
            role: 'user',
            content: 'How long are backups kept?',
            createdAt: '2026-11-25T10:00:01.500Z',
          },
          {
            id: expect.any(String),
            role: 'assistant',
            content: 'Thirty days [1].',
            citations: [citation],
            model: 'openai:gpt-4o-mini',
            requestId: 'req-0001',
            createdAt: '2026-11-25T10:00:01.500Z',
          },
          {
            id: expect.any(String),
            role: 'user',
            content: 'And on globex?',
            createdAt: '2026-11-25T10:00:01.750Z',
          },
          {
            id: expect.any(String),
            role: 'assistant',
            content: 'I do not know.',
            createdAt: '2026-11-25T10:00:01.750Z',
          },
        ],
      });
      // Upper-case ids (valid UUIDs) find the same conversation everywhere.
      expect((await store.get(ALICE_ACME, created.id.toUpperCase()))?.id).toBe(
        created.id,
      );
    });

    it('starts a conversation with its first turn, in one statement or none', async () => {
      const { knex, store } = await setUp(databaseId);
      const queries: string[] = [];
      const listen = (q: { sql: string }) => queries.push(q.sql);
      knex.on('query', listen);
      const id = randomUUID();
      const created = await store.createWithTurn(
        ALICE_ACME,
        {
          question: '  How long\n are backups kept?',
          answer: 'Thirty days [1].',
          citations: [citation],
          model: 'openai:gpt-4o-mini',
          requestId: 'req-first',
        },
        { id },
      );
      knex.removeListener('query', listen);
      // PostgreSQL: one statement; SQLite: BEGIN, two inserts, COMMIT.
      expect(queries).toHaveLength(databaseId.startsWith('POSTGRES') ? 1 : 4);
      expect(created).toEqual({
        id,
        tenantId: 'acme',
        title: 'How long are backups kept?',
        createdAt: '2026-11-25T10:00:00.000Z',
        updatedAt: '2026-11-25T10:00:00.000Z',
        messageCount: 2,
      });
      const detail = await store.get(ALICE_ACME, id);
      expect(
        detail?.messages.map(m => [m.role, m.content, m.requestId]),
      ).toEqual([
        ['user', '  How long\n are backups kept?', undefined],
        ['assistant', 'Thirty days [1].', 'req-first'],
      ]);
      expect(detail?.messages[1].citations).toEqual([citation]);
      expect(await store.recentTurns(ALICE_ACME, id, 10)).toHaveLength(2);

      await expect(
        store.createWithTurn(
          { tenantId: 'nobody', userRef: 'user:default/alice' },
          { question: 'q', answer: 'a' },
        ),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      // The same id again: the first conversation stays as it was.
      await expect(
        store.createWithTurn(
          ALICE_ACME,
          { question: 'q', answer: 'a' },
          { id },
        ),
      ).rejects.toHaveProperty('message');
      expect((await store.get(ALICE_ACME, id))?.messageCount).toBe(2);
    });

    it('shortens long titles to 80 characters', async () => {
      const { store } = await setUp(databaseId);
      const question = `${'Why '.repeat(30)}?`;
      const { title } = await store.create(ALICE_ACME, { title: question });
      expect(Array.from(title)).toHaveLength(80);
      expect(title.endsWith('…')).toBe(true);
      expect(question.startsWith(title.slice(0, -1))).toBe(true);
      // Emoji are never cut in half.
      const emoji = await store.create(ALICE_ACME, { title: '😀'.repeat(100) });
      expect(emoji.title).toBe(`${'😀'.repeat(79)}…`);
    });

    it('lists the owner’s conversations newest first, with counts and pages', async () => {
      const { store, clock } = await setUp(databaseId);
      const first = await store.create(ALICE_ACME, { title: 'first' });
      clock.advance();
      const second = await store.create(ALICE_ACME, { title: 'second' });
      clock.advance();
      const third = await store.create(ALICE_ACME, { title: 'third' });
      await store.create(BOB_ACME, { title: 'bob in acme' });
      await store.create(ALICE_GLOBEX, { title: 'alice in globex' });

      const titles = async (options = { limit: 20 } as any) =>
        (await store.list(ALICE_ACME, options)).map(c => c.title);
      expect(await titles()).toEqual(['third', 'second', 'first']);

      // A new turn moves a conversation to the top.
      clock.advance();
      await store.appendTurn(ALICE_ACME, first.id, {
        question: 'q',
        answer: 'a',
      });
      const listed = await store.list(ALICE_ACME, { limit: 20 });
      expect(listed.map(c => [c.title, c.messageCount])).toEqual([
        ['first', 2],
        ['third', 0],
        ['second', 0],
      ]);
      expect(listed[0]).toEqual({
        id: first.id,
        tenantId: 'acme',
        title: 'first',
        createdAt: '2026-11-25T10:00:00.000Z',
        updatedAt: '2026-11-25T10:00:03.000Z',
        messageCount: 2,
      });

      // Pages: limit, then `before` the last item's updatedAt.
      const page1 = await store.list(ALICE_ACME, { limit: 2 });
      expect(page1.map(c => c.id)).toEqual([first.id, third.id]);
      const page2 = await store.list(ALICE_ACME, {
        limit: 2,
        before: new Date(page1[1].updatedAt),
      });
      expect(page2.map(c => c.id)).toEqual([second.id]);

      expect(
        (await store.list(BOB_ACME, { limit: 20 })).map(c => c.title),
      ).toEqual(['bob in acme']);
      expect(
        (await store.list(ALICE_GLOBEX, { limit: 20 })).map(c => c.title),
      ).toEqual(['alice in globex']);
      expect(
        await store.list(
          { tenantId: 'acme', userRef: 'user:default/carol' },
          { limit: 20 },
        ),
      ).toEqual([]);
    });

    it('never lets another user or tenant see, extend or delete a conversation', async () => {
      const { knex, store } = await setUp(databaseId);
      const mine = await store.create(ALICE_ACME, { title: 'secret plans' });
      await store.appendTurn(ALICE_ACME, mine.id, {
        question: 'secret question',
        answer: 'secret answer',
      });
      const before = await store.get(ALICE_ACME, mine.id);

      for (const other of [BOB_ACME, ALICE_GLOBEX]) {
        expect(await store.get(other, mine.id)).toBeUndefined();
        expect(await store.recentTurns(other, mine.id, 10)).toBeUndefined();
        expect(
          await store.appendTurn(other, mine.id, {
            question: 'injected',
            answer: 'injected',
          }),
        ).toBe(false);
        expect(await store.delete(other, mine.id)).toBe(false);
        expect(await store.list(other, { limit: 100 })).toEqual([]);
      }
      expect(await store.get(ALICE_ACME, mine.id)).toEqual(before);
      expect(await count(knex, 'docuchat_conversation_messages')).toBe(2);
    });

    it('writes both messages of a turn or neither', async () => {
      const { knex, store, clock } = await setUp(databaseId);
      const conversation = await store.create(ALICE_ACME, { title: 'retry' });
      clock.advance();
      await store.appendTurn(ALICE_ACME, conversation.id, {
        question: 'first try',
        answer: 'answer',
        requestId: 'req-retry',
      });
      const before = await store.get(ALICE_ACME, conversation.id);

      // The assistant message collides with the stored request id after the
      // same transaction already bumped updated_at: the question must not be
      // kept, and updated_at must roll back too.
      clock.advance();
      await expect(
        store.appendTurn(ALICE_ACME, conversation.id, {
          question: 'second try',
          answer: 'answer again',
          requestId: 'req-retry',
        }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: `Request req-retry is already part of conversation ${conversation.id}`,
      });
      expect(await store.get(ALICE_ACME, conversation.id)).toEqual(before);
      expect(await count(knex, 'docuchat_conversation_messages')).toBe(2);

      // The conversation still takes the next turn, with the next ordinals.
      expect(
        await store.appendTurn(ALICE_ACME, conversation.id, {
          question: 'third try',
          answer: 'fine',
          requestId: 'req-other',
        }),
      ).toBe(true);
      const ordinals = await knex('docuchat_conversation_messages')
        .orderBy('ordinal')
        .pluck('ordinal');
      expect(ordinals.map(Number)).toEqual([0, 1, 2, 3]);
    });

    it('gives consecutive ordinals to concurrent turns', async () => {
      const { knex, store } = await setUp(databaseId);
      const conversation = await store.create(ALICE_ACME, { title: 'busy' });
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.appendTurn(ALICE_ACME, conversation.id, {
            question: `q${i}`,
            answer: `a${i}`,
          }),
        ),
      );
      expect(results).toEqual([true, true, true, true, true]);
      const rows = await knex('docuchat_conversation_messages')
        .orderBy('ordinal')
        .select('ordinal', 'role', 'content');
      expect(rows.map(r => Number(r.ordinal))).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
      // Each question is directly followed by its own answer.
      for (let i = 0; i < rows.length; i += 2) {
        expect(rows[i].role).toBe('user');
        expect(rows[i + 1].role).toBe('assistant');
        expect(rows[i + 1].content).toBe(`a${rows[i].content.slice(1)}`);
      }
    });

    it('returns the last turns oldest first for the prompt', async () => {
      const { store } = await setUp(databaseId);
      const conversation = await store.create(ALICE_ACME, { title: 'many' });
      for (let i = 1; i <= 3; i++) {
        await store.appendTurn(ALICE_ACME, conversation.id, {
          question: `q${i}`,
          answer: `a${i}`,
        });
      }
      expect(await store.recentTurns(ALICE_ACME, conversation.id, 4)).toEqual([
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: 'a2' },
        { role: 'user', content: 'q3' },
        { role: 'assistant', content: 'a3' },
      ]);
      expect(
        await store.recentTurns(ALICE_ACME, conversation.id, 100),
      ).toHaveLength(6);
      expect(await store.recentTurns(ALICE_ACME, conversation.id, 0)).toEqual(
        [],
      );
      const empty = await store.create(ALICE_ACME, { title: 'empty' });
      expect(await store.recentTurns(ALICE_ACME, empty.id, 4)).toEqual([]);
      expect(
        await store.recentTurns(ALICE_ACME, randomUUID(), 4),
      ).toBeUndefined();
    });

    it('deletes a conversation with its messages', async () => {
      const { knex, store } = await setUp(databaseId);
      const doomed = await store.create(ALICE_ACME, { title: 'doomed' });
      const kept = await store.create(ALICE_ACME, { title: 'kept' });
      for (const { id } of [doomed, kept]) {
        await store.appendTurn(ALICE_ACME, id, { question: 'q', answer: 'a' });
      }
      expect(await store.delete(ALICE_ACME, doomed.id)).toBe(true);
      expect(await store.get(ALICE_ACME, doomed.id)).toBeUndefined();
      expect(await store.delete(ALICE_ACME, doomed.id)).toBe(false);
      expect(
        await knex('docuchat_conversation_messages').pluck('conversation_id'),
      ).toEqual([kept.id, kept.id]);
      expect(
        (await store.list(ALICE_ACME, { limit: 20 })).map(c => c.id),
      ).toEqual([kept.id]);
    });

    it('treats malformed ids as not found, without a database error', async () => {
      const { store } = await setUp(databaseId);
      for (const id of ['nope', '', "1' OR '1'='1", `${randomUUID()}x`]) {
        expect(await store.get(ALICE_ACME, id)).toBeUndefined();
        expect(await store.recentTurns(ALICE_ACME, id, 4)).toBeUndefined();
        expect(
          await store.appendTurn(ALICE_ACME, id, {
            question: 'q',
            answer: 'a',
          }),
        ).toBe(false);
        expect(await store.delete(ALICE_ACME, id)).toBe(false);
      }
    });

    it('rejects bad input with a clear error and writes nothing', async () => {
      const { knex, store } = await setUp(databaseId);
      const conversation = await store.create(ALICE_ACME, { title: 'ok' });
      const inputErrors: Array<[() => Promise<unknown>, RegExp]> = [
        [() => store.create(ALICE_ACME, { title: ' \n ' }), /title must not/],
        [() => store.create(ALICE_ACME, { title: 42 as any }), /title must/],
        [
          () => store.create({ tenantId: '', userRef: 'u' }, { title: 't' }),
          /tenantId must be a non-empty string/,
        ],
        [
          () => store.create({ tenantId: 'acme' } as any, { title: 't' }),
          /userRef must be a non-empty string/,
        ],
        [() => store.list(ALICE_ACME, { limit: 0 }), /limit must be/],
        [() => store.list(ALICE_ACME, { limit: 101 }), /limit must be/],
        [() => store.list(ALICE_ACME, { limit: 1.5 }), /limit must be/],
        [
          () => store.list(ALICE_ACME, { limit: 5, before: new Date('nope') }),
          /before must be a valid Date/,
        ],
        [
          () =>
            store.appendTurn(ALICE_ACME, conversation.id, {
              question: '  ',
              answer: 'a',
            }),
          /question must be a non-empty string/,
        ],
        [
          () =>
            store.appendTurn(ALICE_ACME, conversation.id, {
              question: 'q',
              answer: undefined as any,
            }),
          /answer must be a string/,
        ],
        [
          () =>
            store.appendTurn(ALICE_ACME, conversation.id, {
              question: 'q',
              answer: 'a',
              citations: 'none' as any,
            }),
          /citations must be an array/,
        ],
        [
          () =>
            store.appendTurn(ALICE_ACME, conversation.id, {
              question: 'q',
              answer: 'a',
              requestId: 'r'.repeat(256),
            }),
          /requestId must be at most 255/,
        ],
        [
          () => store.recentTurns(ALICE_ACME, conversation.id, -1),
          /maxTurns must be/,
        ],
      ];
      for (const [call, message] of inputErrors) {
        await expect(call()).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(message),
        });
      }
      await expect(
        store.create({ tenantId: 'nobody', userRef: 'u' }, { title: 't' }),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: 'Tenant nobody not found',
      });
      expect(await count(knex, 'docuchat_conversations')).toBe(1);
      expect(await count(knex, 'docuchat_conversation_messages')).toBe(0);
      expect((await store.get(ALICE_ACME, conversation.id))?.updatedAt).toBe(
        conversation.updatedAt,
      );
    });
  });
});
