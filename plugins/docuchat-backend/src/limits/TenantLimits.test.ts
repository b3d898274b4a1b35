import { Tenant } from '@docuchat/backstage-plugin-docuchat-common';
import { DatabaseUsageLedger } from '../usage/DatabaseUsageLedger';
import { migratedDatabaseWithTenants } from '../database/__testUtils__/testDatabases';
import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseRateWindows } from './DatabaseRateWindows';
import { TenantLimits } from './TenantLimits';

const tenant = (dailyTokenBudget?: number): Tenant =>
  ({
    id: 'acme',
    displayName: 'Acme',
    ownerRef: 'group:default/acme',
    dailyTokenBudget,
  } as Tenant);

describe('TenantLimits budget gauge', () => {
  // SQLite is enough here: the ledger sums are tested on every database
  // elsewhere; this is about what the check reports.
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('reports the budget in force at each check, per-tenant overrides first', async () => {
    const knex = await migratedDatabaseWithTenants(databases, 'SQLITE_3', [
      'acme',
    ]);
    const reported: Array<[string, number | undefined]> = [];
    const limits = (dailyTokenBudget?: number) =>
      new TenantLimits({
        config: {
          maxBodyBytes: 65536,
          asksPerTenantPerMinute: 0,
          dailyTokenBudget,
          billingTimeZone: 'Asia/Tehran',
        },
        ledger: new DatabaseUsageLedger(knex),
        windows: new DatabaseRateWindows(knex),
        reportBudget: (tenantId, tokens) => reported.push([tenantId, tokens]),
      });

    await limits(1000).checkBudget(tenant());
    await limits(1000).checkBudget(tenant(50));
    await limits(undefined).checkBudget(tenant());
    expect(reported).toEqual([
      ['acme', 1000],
      ['acme', 50],
      ['acme', undefined],
    ]);
  });
});
