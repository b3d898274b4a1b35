import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from './__testUtils__/testDatabases';
import { DatabaseTenantStore } from './DatabaseTenantStore';

describe('DatabaseTenantStore', () => {
  const databases = createEveryTestDatabase();

  it.each(databases.eachSupportedId())(
    "lists tenants by a permission policy's conditions in SQL on %p",
    async databaseId => {
      const knex = await migratedDatabaseWithTenants(databases, databaseId, [
        'acme',
        'globex',
        'initech',
      ]);
      const store = new DatabaseTenantStore(knex);
      const ids = async (filter: Parameters<typeof store.list>[0]) =>
        (await store.list(filter)).map(tenant => tenant.id);
      const owners = (...values: string[]) => ({
        property: 'ownerRef' as const,
        values,
      });

      expect(await ids(undefined)).toEqual(['acme', 'globex', 'initech']);
      expect(await ids(owners('group:default/globex', 'user:x'))).toEqual([
        'globex',
      ]);
      expect(await ids(owners())).toEqual([]);
      expect(
        await ids({
          anyOf: [
            owners('group:default/acme'),
            { property: 'id', values: ['initech'] },
          ],
        }),
      ).toEqual(['acme', 'initech']);
      expect(
        await ids({
          allOf: [
            owners('group:default/acme', 'group:default/globex'),
            { not: { property: 'id', values: ['acme'] } },
          ],
        }),
      ).toEqual(['globex']);
    },
  );

  it.each(databases.eachSupportedId())(
    'sets and clears the daily token budget on %p',
    async databaseId => {
      const knex = await migratedDatabaseWithTenants(databases, databaseId, [
        'acme',
      ]);
      const store = new DatabaseTenantStore(knex);
      expect((await store.get('acme'))?.dailyTokenBudget).toBeUndefined();
      expect(
        (await store.update('acme', { dailyTokenBudget: 250_000 }))
          ?.dailyTokenBudget,
      ).toBe(250_000);
      // Config seeding without a budget keeps the operator's.
      await store.upsert({ id: 'acme', displayName: 'Acme', ownerRef: 'x' });
      expect((await store.get('acme'))?.dailyTokenBudget).toBe(250_000);
      expect(
        (await store.update('acme', { dailyTokenBudget: null }))
          ?.dailyTokenBudget,
      ).toBeUndefined();
    },
  );
});
