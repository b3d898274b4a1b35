import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  decideDocuchatPermission,
  DocuchatPolicyOptions,
  readDocuchatPolicyOptions,
} from './decideDocuchatPermission';

/**
 * A whole policy for portals without one of their own: DocuChat's decisions
 * ({@link decideDocuchatPermission}) and every other permission allowed, as
 * Backstage's allow-all policy does.
 *
 * @public
 */
export class DocuchatPermissionPolicy implements PermissionPolicy {
  /** The policy with `docuchat.permissions.operatorsGroup` from config. */
  static fromConfig(config: Config): DocuchatPermissionPolicy {
    return new DocuchatPermissionPolicy(readDocuchatPolicyOptions(config));
  }

  constructor(private readonly options: DocuchatPolicyOptions) {}

  /** DocuChat's decision, or ALLOW for every other permission. */
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    return (
      decideDocuchatPermission(request, user, this.options) ?? {
        result: AuthorizeResult.ALLOW,
      }
    );
  }
}
