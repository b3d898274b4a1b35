import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { RunbookDeps } from '../actions/runbookInputs';
import { KubernetesClusters } from '../kubernetes/KubernetesClusters';
import { KubernetesTestServer } from './kubernetesTestServer';

export const NS = 'docuchat-prod';

/**
 * A fresh Kubernetes test server per test, registered as cluster `test` in
 * a `kubernetes` config like the portal's, and the runbook deps on it.
 */
export function useKubernetesTestServer() {
  const kit = {} as { server: KubernetesTestServer; deps: RunbookDeps };
  beforeEach(async () => {
    kit.server = await new KubernetesTestServer().start();
    kit.deps = {
      clusters: KubernetesClusters.fromConfig(
        new ConfigReader({
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'test',
                    url: kit.server.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'runbook-token',
                    skipTLSVerify: true,
                  },
                ],
              },
            ],
          },
        }),
      ),
      pollIntervalMs: 10,
    };
  });
  afterEach(() => kit.server.stop());
  return kit;
}

/**
 * A mock action context; a logger to inspect; dry run when asked; run by
 * `initiator` (a user entity ref) when given.
 */
export function actionContext<T extends Record<string, any>>(
  input: T,
  options: {
    dryRun?: boolean;
    secrets?: Record<string, string>;
    initiator?: string;
  } = {},
) {
  const logger = mockServices.logger.mock();
  const ctx = {
    ...createMockActionContext({ input, secrets: options.secrets, logger }),
    isDryRun: options.dryRun ?? false,
    ...(options.initiator && {
      getInitiatorCredentials: async () =>
        mockCredentials.user(options.initiator),
    }),
  };
  return Object.assign(ctx, {
    loggedText: () =>
      JSON.stringify(
        logger.info.mock.calls.concat(
          logger.warn.mock.calls,
          logger.error.mock.calls,
          logger.debug.mock.calls,
        ),
      ),
  });
}

/** Method and path of each request, for exact sequence assertions. */
export function requestLines(server: KubernetesTestServer) {
  return server.requests.map(r => `${r.method} ${r.path}`);
}
