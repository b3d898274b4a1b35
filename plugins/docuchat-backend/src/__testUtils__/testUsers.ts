import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DocuchatTenantPermission } from '@docuchat/backstage-plugin-docuchat-common';
import {
  createDocuchatTenantConditionalDecision,
  docuchatTenantConditions,
} from '../permissions/tenantPermissionRules';

/** An operator; everyone else relies on ownership. */
export const ADMIN = 'user:default/admin';
/** Owns tenant `acme` (and `initech` where a test creates it). */
export const ALICE = 'user:default/alice';
/** Owns tenant `globex`. */
export const BOB = 'user:default/bob';

/** The Authorization header of a signed-in user. */
export const as = (user: string) => mockCredentials.user.header(user);

/**
 * What the portal's policy answers, for router tests that run without a
 * permission backend (the policy itself is tested with the real one in
 * packages/backend): ADMIN may do everything; anyone else holds the
 * tenant-scoped permissions on tenants it owns (the users here belong to no
 * group) and no basic permission. Service principals get the framework's
 * ALLOW, as in production.
 */
export const adminOnlyPermissions: PermissionsService = {
  async authorize(requests, options) {
    return requests.map(() => ({
      result: isAdminOrService(options.credentials)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    }));
  },
  async authorizeConditional(requests, options) {
    const principal = options.credentials.principal as {
      userEntityRef?: string;
    };
    return requests.map(({ permission }) =>
      isAdminOrService(options.credentials) || !principal.userEntityRef
        ? {
            result: isAdminOrService(options.credentials)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          }
        : createDocuchatTenantConditionalDecision(
            permission as DocuchatTenantPermission,
            docuchatTenantConditions.isTenantOwnerMember({
              claims: [principal.userEntityRef],
            }),
          ),
    );
  },
};

function isAdminOrService(credentials: BackstageCredentials) {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
  };
  return principal.type === 'service' || principal.userEntityRef === ADMIN;
}
