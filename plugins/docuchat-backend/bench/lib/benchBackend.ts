import {
  BackendFeature,
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import { Knex } from 'knex';
import http from 'node:http';
import { ownershipPermissions } from '../../src/__testUtils__/testUsers';
import { docuchatPlugin } from '../../src/plugin';

/** Creates the bench tenant, as an operator does (`docuchat.tenant.create`). */
export const OPERATOR = 'user:default/bench-operator';
/** The bench tenant's owner. */
export const OWNER_GROUP = 'group:default/bench-team';
/** The bench's user: a member of the owner group, nothing more. */
export const MEMBER = 'user:default/bench-member';

/** A logger that drops everything: the bench prints its own report. */
export const silentLogger: LoggerService = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

export interface BenchBackend {
  /** `http://127.0.0.1:<port>/api` */
  apiUrl: string;
  /** `<apiUrl>/docuchat/tenants/<tenant>` */
  tenantUrl: string;
  /** The Authorization header of the member. */
  authorization: string;
  /** The backend's HTTP server, e.g. to count queries per request. */
  server: http.Server;
  stop(): Promise<void>;
}

/**
 * The real DocuChat plugin in a Backstage test backend on `knex` with the
 * `docuchat` config given, and a tenant created the way an operator creates
 * one: through the API, owned by a group. Permissions as the portal's
 * policy answers them: operators may do everything, members of a tenant's
 * owner may use the tenant; the member holds nothing else.
 */
export async function startBenchBackend(options: {
  knex: Knex;
  tenantId: string;
  docuchat: JsonObject;
  features?: BackendFeature[];
}): Promise<BenchBackend> {
  const backend = await startTestBackend({
    features: [
      docuchatPlugin,
      ...(options.features ?? []),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () =>
          ownershipPermissions({
            operators: [OPERATOR],
            groups: { [MEMBER]: [OWNER_GROUP] },
          }),
      }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: { docuchat: options.docuchat },
      }),
    ],
  });
  const apiUrl = `http://127.0.0.1:${backend.server.port()}/api`;
  try {
    const created = await fetch(`${apiUrl}/docuchat/tenants`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: mockCredentials.user.header(OPERATOR),
      },
      body: JSON.stringify({
        id: options.tenantId,
        displayName: 'Bench',
        ownerRef: OWNER_GROUP,
      }),
    });
    if (created.status !== 201) {
      throw new Error(
        `The operator could not create tenant ${options.tenantId}: HTTP ${
          created.status
        } ${await created.text()}`,
      );
    }
  } catch (error) {
    await backend.stop();
    throw error;
  }
  return {
    apiUrl,
    tenantUrl: `${apiUrl}/docuchat/tenants/${options.tenantId}`,
    authorization: mockCredentials.user.header(MEMBER),
    server: backend.server,
    async stop() {
      await backend.stop();
    },
  };
}
