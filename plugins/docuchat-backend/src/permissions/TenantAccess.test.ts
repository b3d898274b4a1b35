import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ServerPermissionClient } from '@backstage/plugin-permission-node';
import {
  docuchatChatPermission,
  docuchatOperationsReadPermission,
  Tenant,
} from '@docuchat/backstage-plugin-docuchat-common';
import { TenantStore } from '../database/TenantStore';
import { readServiceAccess } from './readServiceAccess';
import { TenantAccess } from './TenantAccess';

const tenant = (id: string): Tenant => ({
  id,
  displayName: id,
  ownerRef: `group:default/${id}`,
  pricePlan: 'default',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
});
const TENANTS = [tenant('acme'), tenant('globex')];
const tenants = {
  async get(id: string) {
    return TENANTS.find(t => t.id === id);
  },
  // Only the leaf filters this test produces; DatabaseTenantStore.test.ts
  // covers the whole criteria syntax in SQL.
  async list(filter?: { property: 'id' | 'ownerRef'; values: string[] }) {
    return filter
      ? TENANTS.filter(t => filter.values.includes(t[filter.property]))
      : TENANTS;
  },
} as TenantStore;

// The framework's own client: it answers service principals itself (ALLOW,
// narrowed by an external token's accessRestrictions) without a policy.
const config = new ConfigReader({
  permission: { enabled: true },
  docuchat: {
    serviceAccess: [
      {
        subject: 'deploy-smoke-test',
        permissions: ['docuchat.tenant.read', 'docuchat.chat'],
        tenants: ['acme'],
      },
    ],
  },
});
const access = new TenantAccess({
  tenants,
  permissions: ServerPermissionClient.fromConfig(config, {
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
  }),
  serviceAccess: readServiceAccess(config),
});

describe('TenantAccess for service principals', () => {
  const smoke = mockCredentials.service('deploy-smoke-test');

  it('admits a listed subject to its tenants and permissions only', async () => {
    await expect(access.requireTenant(smoke, 'acme')).resolves.toEqual(
      TENANTS[0],
    );
    await expect(
      access.requireTenant(smoke, 'acme', docuchatChatPermission),
    ).resolves.toEqual(TENANTS[0]);
    await expect(access.requireTenant(smoke, 'globex')).rejects.toThrow(
      'Tenant globex not found',
    );
    expect(await access.listTenants(smoke)).toEqual([TENANTS[0]]);
    expect(
      await access.isAllowedBasic(smoke, docuchatOperationsReadPermission),
    ).toBe(false);
  });

  it("also honours the token's accessRestrictions", async () => {
    const restricted = mockCredentials.service('deploy-smoke-test', {
      permissionNames: ['docuchat.tenant.read'],
    });
    await expect(access.requireTenant(restricted, 'acme')).resolves.toEqual(
      TENANTS[0],
    );
    // Listed in docuchat.serviceAccess, but the token may not chat.
    await expect(
      access.requireTenant(restricted, 'acme', docuchatChatPermission),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'The docuchat.chat permission on tenant acme is required',
    });
  });

  it('refuses subjects that are not listed', async () => {
    const other = mockCredentials.service('plugin:search');
    await expect(access.requireTenant(other, 'acme')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect(await access.listTenants(other)).toEqual([]);
  });
});
