import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createScaffolderActionConditionalDecision,
  scaffolderActionConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  createDocuchatTenantConditionalDecision,
  docuchatTenantConditions,
  docuchatTenantResourceRef,
} from '@docuchat/backstage-plugin-docuchat-backend';

/**
 * The scaffolder actions of DocuChat's runbooks. `hasActionId` matches
 * whole ids only, so the policy lists them; a new `docuchat:*` action must
 * be added here to be kept from non-operators.
 */
export const DOCUCHAT_RUNBOOK_ACTION_IDS = [
  'docuchat:tenant:create',
  'docuchat:billing:run',
  'docuchat:secrets:rotate',
  'docuchat:gpu:scale',
  'docuchat:rollout:restart',
  'docuchat:db:backup',
  'docuchat:db:restore',
];

/**
 * The portal's permission policy:
 *
 * - `docuchat.*` permissions and `scaffolder.action.execute` on DocuChat's
 *   runbook actions: members of the operators group
 *   (`docuchat.permissions.operatorsGroup`) may do everything; members of a
 *   tenant's owner use and manage that tenant (a conditional decision on the
 *   `IS_TENANT_OWNER_MEMBER` rule, which DocuChat applies to the tenant or
 *   as a database filter); everyone else nothing.
 * - Every other permission: allowed, as before this policy, until the
 *   portal's own rules for the catalog and scaffolder are designed.
 *
 * Membership is the user's ownership refs (the user and, through the
 * catalog, its groups). Service principals never reach a policy: the
 * framework allows them, and DocuChat narrows them itself
 * (`docuchat.serviceAccess`).
 */
export class DocuchatPermissionPolicy implements PermissionPolicy {
  static fromConfig(config: Config): DocuchatPermissionPolicy {
    return new DocuchatPermissionPolicy({
      operatorsGroup: config.getOptionalString(
        'docuchat.permissions.operatorsGroup',
      ),
    });
  }

  constructor(private readonly options: { operatorsGroup?: string }) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const isDocuchat = permission.name.startsWith('docuchat.');
    const isRunbook = permission.name === 'scaffolder.action.execute';
    if (!isDocuchat && !isRunbook) return { result: AuthorizeResult.ALLOW };

    if (this.isOperator(user)) return { result: AuthorizeResult.ALLOW };
    const claims = user?.info.ownershipEntityRefs ?? [];

    if (isRunbook) {
      if (!isResourcePermission(permission, 'scaffolder-action')) {
        return { result: AuthorizeResult.ALLOW };
      }
      // Every action but DocuChat's runbooks, as before.
      const [first, ...rest] = DOCUCHAT_RUNBOOK_ACTION_IDS.map(actionId =>
        scaffolderActionConditions.hasActionId({ actionId }),
      );
      return createScaffolderActionConditionalDecision(permission, {
        not: { anyOf: [first, ...rest] },
      });
    }
    if (
      isResourcePermission(
        permission,
        docuchatTenantResourceRef.resourceType,
      ) &&
      claims.length > 0
    ) {
      return createDocuchatTenantConditionalDecision(
        permission,
        docuchatTenantConditions.isTenantOwnerMember({ claims }),
      );
    }
    return { result: AuthorizeResult.DENY };
  }

  private isOperator(user: PolicyQueryUser | undefined) {
    const group = this.options.operatorsGroup;
    return (
      group !== undefined &&
      user !== undefined &&
      user.info.ownershipEntityRefs.includes(group)
    );
  }
}
