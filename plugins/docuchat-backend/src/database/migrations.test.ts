import {
  applyDatabaseMigrations,
  rollbackDatabaseMigrations,
} from './migrations';
import { createEveryTestDatabase } from './__testUtils__/testDatabases';

describe('migrations', () => {
  const databases = createEveryTestDatabase();

  it.each(databases.eachSupportedId())(
    'migrates up and down on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);

      await applyDatabaseMigrations(knex);
      expect(await knex.schema.hasTable('docuchat_tenants')).toBe(true);
      await knex('docuchat_tenants').insert({
        id: 'acme',
        display_name: 'Acme',
        owner_ref: 'group:default/acme',
      });
      expect(await knex('docuchat_tenants').select('id', 'price_plan')).toEqual(
        [{ id: 'acme', price_plan: 'default' }],
      );

      // Running again is a no-op: the plugin calls this on every start.
      await applyDatabaseMigrations(knex);

      await rollbackDatabaseMigrations(knex);
      expect(await knex.schema.hasTable('docuchat_tenants')).toBe(false);
    },
  );

  if (databases.supports('POSTGRES_17')) {
    it('has pgvector 0.8 or newer on PostgreSQL 17', async () => {
      const knex = await databases.init('POSTGRES_17');
      await knex.raw('CREATE EXTENSION IF NOT EXISTS vector');
      const { rows } = await knex.raw(
        "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
      );
      const [major, minor] = rows[0].extversion.split('.').map(Number);
      expect(major * 100 + minor).toBeGreaterThanOrEqual(8);
      const distance = await knex.raw(
        "SELECT '[1,0]'::vector <=> '[0,1]'::vector AS d",
      );
      expect(Number(distance.rows[0].d)).toBeCloseTo(1);
    });
  }
});
