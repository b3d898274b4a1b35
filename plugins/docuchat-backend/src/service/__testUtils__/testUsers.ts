import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** Holds docuchat.tenant.admin; everyone else relies on ownership. */
export const ADMIN = 'user:default/admin';
/** Owns tenant `acme` (and `initech` where a test creates it). */
export const ALICE = 'user:default/alice';
/** Owns tenant `globex`. */
export const BOB = 'user:default/bob';

/** The Authorization header of a signed-in user. */
export const as = (user: string) => mockCredentials.user.header(user);

/**
 * Allows everything to ADMIN and nothing to anyone else, so every other
 * user's access comes from owning a tenant alone.
 */
export const adminOnlyPermissions: PermissionsService = {
  async authorize(requests, options) {
    const principal = options.credentials.principal as {
      userEntityRef?: string;
    };
    return requests.map(() => ({
      result:
        principal.userEntityRef === ADMIN
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    }));
  },
  async authorizeConditional(requests) {
    return requests.map((): { result: AuthorizeResult.DENY } => ({
      result: AuthorizeResult.DENY,
    }));
  },
};
