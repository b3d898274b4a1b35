/* eslint-disable jest/no-export -- shared set-up, not a test file itself */
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  AuthService,
  BackendFeature,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
// The DocuChat backend whose decisions the policy makes (test only).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import docuchatPlugin from '@docuchat/backstage-plugin-docuchat-backend';
import { docuchatEmbeddingsExtensionPoint } from '@docuchat/backstage-plugin-docuchat-node';
import { createHash } from 'node:crypto';
// The package's default export, as an adopter adds it.
import docuchatPermissionPolicyModule from '../index';

/** The operators group of these tests (`docuchat.permissions.operatorsGroup`). */
export const OPERATORS = 'group:default/ops';
/** In the operators group. */
export const OPERATOR = 'user:default/olga';
/** Member of group:default/acme, owner of tenant acme. */
export const ALICE = 'user:default/alice';
/** Owns tenant globex directly (the user is the owner). */
export const BOB = 'user:default/bob';
/** Owns nothing and belongs to no group: the outsider. */
export const OUTSIDER = 'user:default/outsider';

/** Groups of each user, as the catalog would resolve them. */
const GROUPS: Record<string, string[]> = {
  [OPERATOR]: [OPERATORS],
  [ALICE]: ['group:default/acme'],
};

/** The Authorization header of a signed-in user. */
export const as = (user: string) => mockCredentials.user.header(user);

/** A service principal's token without a user (no `onBehalfOf`). */
export const asService = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'docuchat',
  });

/** Another plugin calling DocuChat on behalf of a user. */
export const onBehalfOf = (user: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.user(user),
    targetPluginId: 'docuchat',
  });

// Users' ownership refs: the user and its groups, as the catalog answers.
const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const principal = credentials.principal as { userEntityRef?: string };
      const user = principal.userEntityRef!;
      return {
        userEntityRef: user,
        ownershipEntityRefs: [user, ...(GROUPS[user] ?? [])],
      };
    },
  }),
});

// As in production, a plugin's token on behalf of a user names the plugin
// as its actor; the permission backend accepts conditional questions only
// from such callers. The mock auth service leaves the actor out.
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const getPluginRequestToken: AuthService['getPluginRequestToken'] =
      async options => {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user') {
          return auth.getPluginRequestToken(options);
        }
        return {
          token: mockCredentials.user.token(principal.userEntityRef, {
            actor: { subject: `plugin:${plugin.getId()}` },
          }),
        };
      };
    return Object.assign(Object.create(auth), { getPluginRequestToken });
  },
});

// Permission tests need no retrieval quality: a deterministic word-hash
// embedder instead of the local model, so nothing loads or leaves the host.
const hashEmbeddings = createBackendModule({
  pluginId: 'docuchat',
  moduleId: 'test-hash-embeddings',
  register(reg) {
    reg.registerInit({
      deps: { embeddings: docuchatEmbeddingsExtensionPoint },
      async init({ embeddings }) {
        embeddings.setEmbeddingProvider({
          model: 'test:hash',
          dimensions: 16,
          async embed(texts) {
            return {
              vectors: texts.map(text => hashVector(text, 16)),
              promptTokens: texts.join(' ').split(/\s+/).length,
            };
          },
        });
      },
    });
  },
});

function hashVector(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    vector[createHash('sha1').update(word).digest()[0] % dimensions] += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  // An empty text still needs a unit vector.
  if (norm === 1 && vector.every(v => v === 0)) vector[0] = 1;
  return vector.map(v => v / norm);
}

/**
 * The real permission backend running a policy (this package's module
 * unless `policy` names another), and DocuChat with
 * tenants acme (owner group:default/acme) and globex (owner
 * BOB). `docuchat` adds to or overrides the DocuChat config.
 *
 * `externalAccess` (`backend.auth.externalAccess`) switches to Backstage's
 * own auth and httpAuth services instead of the mocks, so Backstage's code
 * validates those tokens and applies their `accessRestrictions`; the mock
 * tokens of `as`, `asService` and `onBehalfOf` are refused then.
 */
export async function startPolicyTestBackend(options: {
  docuchat?: Record<string, unknown>;
  externalAccess?: object[];
  /** More plugins, modules or service factories (e.g. search). */
  features?: Parameters<typeof startTestBackend>[0]['features'];
  /** Other top-level config beside `docuchat`, e.g. `search`. */
  config?: Record<string, unknown>;
  /** The permission policy module; default this package's own. */
  policy?: BackendFeature;
}) {
  const { server } = await startTestBackend({
    features: [
      ...(options.features ?? []),
      permissionPlugin,
      options.policy ?? docuchatPermissionPolicyModule,
      docuchatPlugin,
      hashEmbeddings,
      userInfoFactory,
      ...(options.externalAccess
        ? [authServiceFactory, httpAuthServiceFactory]
        : [
            authFactory,
            mockServices.httpAuth.factory({
              defaultCredentials: mockCredentials.none(),
            }),
          ]),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          backend: { auth: { externalAccess: options.externalAccess ?? [] } },
          permission: { enabled: true },
          docuchat: {
            permissions: { operatorsGroup: OPERATORS },
            tenants: [
              {
                id: 'acme',
                displayName: 'Acme',
                ownerRef: 'group:default/acme',
              },
              { id: 'globex', displayName: 'Globex', ownerRef: BOB },
            ],
            serviceAccess: [
              {
                subject: 'plugin:catalog',
                permissions: ['docuchat.tenant.read'],
              },
              {
                subject: 'deploy-smoke-test',
                permissions: ['docuchat.tenant.read'],
                tenants: ['acme'],
              },
            ],
            ...options.docuchat,
          },
        },
      }),
    ],
  });
  return server;
}
