import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from './__testUtils__/testDatabases';
import { WriteBatch } from './WriteBatch';

jest.setTimeout(60_000);

describe('WriteBatch', () => {
  const databases = createEveryTestDatabase();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let queries: string[];

    beforeAll(async () => {
      knex = await migratedDatabaseWithTenants(databases, databaseId, ['acme']);
      knex.on('query', (query: { sql: string }) => queries.push(query.sql));
    });
    beforeEach(() => {
      queries = [];
    });

    const conversation = (id: string) =>
      knex('docuchat_conversations')
        .insert({
          id,
          tenant_id: 'acme',
          user_ref: 'user:default/alice',
          title: 'Backups',
          created_at: new Date(),
          updated_at: new Date(),
        })
        .returning('id');
    const message = (conversationId: string, ordinal: number) =>
      knex('docuchat_conversation_messages')
        .insert({
          id: randomUUID(),
          conversation_id: conversationId,
          ordinal,
          role: 'user',
          content: 'How often are backups taken?',
          created_at: new Date(),
        })
        .returning(['conversation_id', 'ordinal']);

    it("sends every store's statements together and gives each its rows", async () => {
      const id = randomUUID();
      const batch = new WriteBatch(knex);
      const created = batch.add([conversation(id)], ([rows]) =>
        rows.map(r => r.id),
      );
      // A row that references the one inserted beside it.
      const messages = batch.add([message(id, 0), message(id, 1)], rows =>
        rows.flat().map(r => Number(r.ordinal)),
      );
      await batch.run();
      // PostgreSQL: one statement; SQLite: BEGIN, three inserts, COMMIT.
      expect(queries).toHaveLength(databaseId.startsWith('POSTGRES') ? 1 : 5);

      expect(await created).toEqual([id]);
      expect(await messages).toEqual([0, 1]);
      const [{ n }] = await knex('docuchat_conversation_messages')
        .where({ conversation_id: id })
        .count({ n: '*' });
      expect(Number(n)).toBe(2);
    });

    it('writes nothing when one statement fails, and rejects every part', async () => {
      const id = randomUUID();
      const batch = new WriteBatch(knex);
      const created = batch.add([conversation(id)], ([rows]) => rows);
      // The same ordinal twice: a unique violation.
      const messages = batch.add([message(id, 0), message(id, 0)], r => r);
      // better-sqlite3's errors come from another realm than a later test
      // file's, so `toThrow()` (an instanceof check) would miss them.
      await expect(batch.run()).rejects.toHaveProperty('message');
      await expect(created).rejects.toHaveProperty('message');
      await expect(messages).rejects.toHaveProperty('message');
      expect(
        await knex('docuchat_conversations').where({ id }).first(),
      ).toBeUndefined();
    });

    it('runs once, and an empty batch sends nothing', async () => {
      const batch = new WriteBatch(knex);
      await batch.run();
      expect(queries).toEqual([]);
      await expect(batch.run()).rejects.toThrow('sent already');
      expect(() => batch.add([conversation(randomUUID())], r => r)).toThrow(
        'sent already',
      );
    });
  });
});
