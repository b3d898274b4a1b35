import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  createPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  docuchatBillingRunPermission,
  docuchatChatPermission,
  docuchatTenantCreatePermission,
} from '@docuchat/backstage-plugin-docuchat-common';
import request from 'supertest';
import {
  decideDocuchatPermission,
  DocuchatPolicyOptions,
  readDocuchatPolicyOptions,
} from './index';
import {
  ALICE,
  as,
  OPERATOR,
  OUTSIDER,
  startPolicyTestBackend,
} from './__testUtils__/policyTestBackend';

const catalogDelete = createPermission({
  name: 'catalog.entity.delete',
  attributes: { action: 'delete' },
  resourceType: 'catalog-entity',
});
const catalogRead = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * A portal's own policy, written as the README tells adopters: DocuChat
 * decides its permissions, the portal's rules (here: nobody deletes
 * catalog entities) decide the rest.
 */
class AdopterPolicy implements PermissionPolicy {
  constructor(private readonly docuchat: DocuchatPolicyOptions) {}

  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const docuchat = decideDocuchatPermission(query, user, this.docuchat);
    if (docuchat) return docuchat;
    if (query.permission.name === catalogDelete.name) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

const adopterPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'adopter-policy',
  register(reg) {
    reg.registerInit({
      deps: { config: coreServices.rootConfig, policy: policyExtensionPoint },
      async init({ config, policy }) {
        policy.setPolicy(new AdopterPolicy(readDocuchatPolicyOptions(config)));
      },
    });
  },
});

// The real permission backend runs the adopter's policy; DocuChat's rules
// resolve the conditional decisions the delegated function returns.
describe("an adopter's policy delegating docuchat.* to decideDocuchatPermission", () => {
  let server: any;

  beforeAll(async () => {
    server = await startPolicyTestBackend({ policy: adopterPolicyModule });
  }, 60_000);

  const authorize = async (
    user: string,
    items: { permission: object; resourceRef?: string }[],
  ) => {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', as(user))
      .send({ items: items.map((item, i) => ({ id: String(i), ...item })) });
    expect(res.status).toBe(200);
    return res.body.items.map((item: { result: string }) => item.result);
  };

  it("keeps the adopter's own rules for everything else", async () => {
    expect(
      await authorize(OUTSIDER, [
        { permission: catalogRead, resourceRef: 'component:default/x' },
        { permission: catalogDelete, resourceRef: 'component:default/x' },
      ]),
    ).toEqual(['ALLOW', 'DENY']);
  });

  it('refuses a user who owns nothing every DocuChat permission', async () => {
    expect(
      await authorize(OUTSIDER, [
        { permission: docuchatTenantCreatePermission },
        { permission: docuchatBillingRunPermission },
        { permission: docuchatChatPermission, resourceRef: 'acme' },
      ]),
    ).toEqual(['DENY', 'DENY', 'DENY']);
    const created = await request(server)
      .post('/api/docuchat/tenants')
      .set('Authorization', as(OUTSIDER))
      .send({ id: 'evil', displayName: 'Evil', ownerRef: OUTSIDER });
    expect(created.status).toBe(403);
    const listed = await request(server)
      .get('/api/docuchat/tenants')
      .set('Authorization', as(OUTSIDER));
    expect(listed.body.items).toEqual([]);
  });

  it("resolves the conditional decision on the tenant's owner through DocuChat's rules", async () => {
    expect(
      await authorize(ALICE, [
        { permission: docuchatChatPermission, resourceRef: 'acme' },
        { permission: docuchatChatPermission, resourceRef: 'globex' },
        { permission: docuchatBillingRunPermission },
      ]),
    ).toEqual(['ALLOW', 'DENY', 'DENY']);
    const listed = await request(server)
      .get('/api/docuchat/tenants')
      .set('Authorization', as(ALICE));
    expect(listed.body.items.map((t: { id: string }) => t.id)).toEqual([
      'acme',
    ]);
  });

  it('lets the operators group do everything in DocuChat', async () => {
    expect(
      await authorize(OPERATOR, [
        { permission: docuchatTenantCreatePermission },
        { permission: docuchatBillingRunPermission },
        { permission: docuchatChatPermission, resourceRef: 'globex' },
      ]),
    ).toEqual(['ALLOW', 'ALLOW', 'ALLOW']);
  });
});
