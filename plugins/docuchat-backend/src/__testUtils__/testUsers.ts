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
 * What the portal's policy answers (packages/backend's
 * DocuchatPermissionPolicy), for tests and benchmarks that run without a
 * permission backend (the policy itself is tested with the real one in
 * packages/backend): `operators` may do everything; any other user holds
 * the tenant-scoped permissions on tenants owned by one of its ownership
 * refs (the user and its `groups`, as the catalog would resolve them) and no
 * basic permission. Service principals get the framework's ALLOW, as in
 * production.
 */
export function ownershipPermissions(options: {
  operators: string[];
  groups?: Record<string, string[]>;
}): PermissionsService {
  const isOperatorOrService = (credentials: BackstageCredentials) => {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    return (
      principal.type === 'service' ||
      options.operators.includes(principal.userEntityRef ?? '')
    );
  };
  return {
    async authorize(requests, { credentials }) {
      return requests.map(() => ({
        result: isOperatorOrService(credentials)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      }));
    },
    async authorizeConditional(requests, { credentials }) {
      const user = (credentials.principal as { userEntityRef?: string })
        .userEntityRef;
      return requests.map(({ permission }) => {
        if (isOperatorOrService(credentials) || !user) {
          return {
            result: isOperatorOrService(credentials)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          };
        }
        return createDocuchatTenantConditionalDecision(
          permission as DocuchatTenantPermission,
          docuchatTenantConditions.isTenantOwnerMember({
            claims: [user, ...(options.groups?.[user] ?? [])],
          }),
        );
      });
    },
  };
}

/** ADMIN is the one operator; the users here belong to no group. */
export const adminOnlyPermissions = ownershipPermissions({
  operators: [ADMIN],
});
