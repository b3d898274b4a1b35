import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  docuchatBillingRunPermission,
  docuchatChatPermission,
} from '@docuchat/backstage-plugin-docuchat-common';
import { decideDocuchatPermission } from './decideDocuchatPermission';
import { DocuchatPermissionPolicy } from './DocuchatPermissionPolicy';

const policy = DocuchatPermissionPolicy.fromConfig(
  new ConfigReader({
    docuchat: { permissions: { operatorsGroup: 'group:default/ops' } },
  }),
);

const user = (ref: string, groups: string[] = []): PolicyQueryUser =>
  ({
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  } as PolicyQueryUser);

const OPERATOR = user('user:default/olga', ['group:default/ops']);
const MEMBER = user('user:default/alice', ['group:default/acme']);

const actionExecute = createPermission({
  name: 'scaffolder.action.execute',
  attributes: {},
  resourceType: 'scaffolder-action',
});
const catalogRead = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

describe('DocuchatPermissionPolicy', () => {
  it('allows operators every DocuChat permission and every runbook', async () => {
    for (const permission of [
      docuchatChatPermission,
      docuchatBillingRunPermission,
      actionExecute,
    ]) {
      expect(await policy.handle({ permission }, OPERATOR)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it("gives members of a tenant's owner a condition on the tenant", async () => {
    expect(
      await policy.handle({ permission: docuchatChatPermission }, MEMBER),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'docuchat',
      resourceType: 'docuchat-tenant',
      conditions: {
        rule: 'IS_TENANT_OWNER_MEMBER',
        resourceType: 'docuchat-tenant',
        params: { claims: ['user:default/alice', 'group:default/acme'] },
      },
    });
  });

  it('denies basic DocuChat permissions to non-operators and everything to nobody', async () => {
    expect(
      await policy.handle({ permission: docuchatBillingRunPermission }, MEMBER),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(await policy.handle({ permission: docuchatChatPermission })).toEqual(
      { result: AuthorizeResult.DENY },
    );
  });

  it("keeps non-operators from DocuChat's runbook actions only", async () => {
    const decision = await policy.handle({ permission: actionExecute }, MEMBER);
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
    const conditions = (decision as any).conditions;
    expect(conditions.not.anyOf).toContainEqual({
      rule: 'HAS_ACTION_ID',
      resourceType: 'scaffolder-action',
      params: { actionId: 'docuchat:secrets:rotate' },
    });
  });

  it('allows every other permission, as before', async () => {
    expect(await policy.handle({ permission: catalogRead }, MEMBER)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('has no operators without the config key', async () => {
    const bare = DocuchatPermissionPolicy.fromConfig(new ConfigReader({}));
    expect(
      await bare.handle({ permission: docuchatBillingRunPermission }, OPERATOR),
    ).toEqual({ result: AuthorizeResult.DENY });
  });
});

describe('decideDocuchatPermission', () => {
  it('leaves permissions DocuChat has no rule for to the calling policy', () => {
    expect(
      decideDocuchatPermission({ permission: catalogRead }, MEMBER, {
        operatorsGroup: 'group:default/ops',
      }),
    ).toBeUndefined();
  });
});
