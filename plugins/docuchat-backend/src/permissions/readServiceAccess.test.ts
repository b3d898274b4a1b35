import { ConfigReader } from '@backstage/config';
import { readServiceAccess } from './readServiceAccess';

const read = (serviceAccess: Array<Record<string, string | string[]>>) =>
  readServiceAccess(new ConfigReader({ docuchat: { serviceAccess } }));

describe('readServiceAccess', () => {
  it('maps subjects to permissions and optional tenants', () => {
    const access = read([
      { subject: 'plugin:catalog', permissions: ['docuchat.tenant.read'] },
      {
        subject: 'deploy-smoke-test',
        permissions: ['docuchat.tenant.read'],
        tenants: ['smoke-test'],
      },
    ]);
    expect(access.get('plugin:catalog')).toEqual({
      permissions: new Set(['docuchat.tenant.read']),
      tenantIds: undefined,
    });
    expect(access.get('deploy-smoke-test')?.tenantIds).toEqual(['smoke-test']);
    expect(access.get('plugin:search')).toBeUndefined();
  });

  it('is empty without config', () => {
    expect(readServiceAccess(new ConfigReader({})).size).toBe(0);
  });

  it('refuses unknown permissions and repeated subjects', () => {
    expect(() =>
      read([{ subject: 'x', permissions: ['docuchat.tenant.admin'] }]),
    ).toThrow(
      /docuchat.serviceAccess\[0\]: unknown permission docuchat.tenant.admin/,
    );
    expect(() =>
      read([
        { subject: 'x', permissions: [] },
        { subject: 'x', permissions: [] },
      ]),
    ).toThrow('docuchat.serviceAccess[1]: subject x is listed twice');
  });
});
