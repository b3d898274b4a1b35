import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createScaffolderActionConditionalDecision,
  scaffolderActionConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
// The plugin that registers the tenant rules exports their conditions, as
// @backstage/plugin-catalog-backend/alpha does for catalogConditions.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  createDocuchatTenantConditionalDecision,
  docuchatTenantConditions,
  docuchatTenantResourceRef,
} from '@docuchat/backstage-plugin-docuchat-backend';

/**
 * The scaffolder actions of DocuChat's runbooks. `hasActionId` matches
 * whole ids only, so the policy lists them; a new `docuchat:*` action must
 * be added here to be kept from non-operators.
 *
 * @public
 */
export const DOCUCHAT_RUNBOOK_ACTION_IDS: readonly string[] = [
  'docuchat:tenant:create',
  'docuchat:billing:run',
  'docuchat:secrets:rotate',
  'docuchat:gpu:scale',
  'docuchat:rollout:restart',
  'docuchat:db:backup',
  'docuchat:db:restore',
];

/**
 * What DocuChat's decisions depend on.
 *
 * @public
 */
export type DocuchatPolicyOptions = {
  /**
   * Entity ref of the group whose members may do everything in DocuChat
   * and run its runbooks (`docuchat.permissions.operatorsGroup`). Without
   * it nobody is an operator.
   */
  operatorsGroup?: string;
};

/**
 * Reads {@link DocuchatPolicyOptions} from the app config.
 *
 * @public
 */
export function readDocuchatPolicyOptions(
  config: Config,
): DocuchatPolicyOptions {
  return {
    operatorsGroup: config.getOptionalString(
      'docuchat.permissions.operatorsGroup',
    ),
  };
}

/**
 * DocuChat's decision on a permission request, for a permission policy to
 * delegate to; `undefined` for permissions DocuChat has no rule for, which
 * the calling policy decides itself.
 *
 * - `docuchat.*`: members of the operators group may do everything;
 *   members of a tenant's owner use and manage that tenant (a conditional
 *   decision on the `IS_TENANT_OWNER_MEMBER` rule, which the DocuChat
 *   backend applies to the tenant or as a database filter); everyone else
 *   nothing.
 * - `scaffolder.action.execute`: operators run every action; everyone else
 *   every action except DocuChat's runbooks ({@link DOCUCHAT_RUNBOOK_ACTION_IDS},
 *   a conditional decision on the scaffolder's `HAS_ACTION_ID` rule).
 *
 * Membership is the user's ownership refs (the user and, through the
 * catalog, its groups). Service principals never reach a policy: the
 * framework allows them, and DocuChat narrows them itself
 * (`docuchat.serviceAccess`).
 *
 * @public
 */
export function decideDocuchatPermission(
  request: PolicyQuery,
  user: PolicyQueryUser | undefined,
  options: DocuchatPolicyOptions,
): PolicyDecision | undefined {
  const { permission } = request;
  const isDocuchat = permission.name.startsWith('docuchat.');
  const isRunbook = permission.name === 'scaffolder.action.execute';
  if (!isDocuchat && !isRunbook) return undefined;

  const { operatorsGroup } = options;
  const claims = user?.info.ownershipEntityRefs ?? [];
  if (operatorsGroup !== undefined && claims.includes(operatorsGroup)) {
    return { result: AuthorizeResult.ALLOW };
  }

  if (isRunbook) {
    if (!isResourcePermission(permission, 'scaffolder-action')) {
      return { result: AuthorizeResult.ALLOW };
    }
    const [first, ...rest] = DOCUCHAT_RUNBOOK_ACTION_IDS.map(actionId =>
      scaffolderActionConditions.hasActionId({ actionId }),
    );
    return createScaffolderActionConditionalDecision(permission, {
      not: { anyOf: [first, ...rest] },
    });
  }
  if (
    isResourcePermission(permission, docuchatTenantResourceRef.resourceType) &&
    claims.length > 0
  ) {
    return createDocuchatTenantConditionalDecision(
      permission,
      docuchatTenantConditions.isTenantOwnerMember({ claims }),
    );
  }
  return { result: AuthorizeResult.DENY };
}
