import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import http from 'node:http';
import { ownershipPermissions } from '../../src/__testUtils__/testUsers';
import { createEmbeddingProvider } from '../../src/embeddings/createEmbeddingProvider';
import { docuchatPlugin } from '../../src/plugin';
import { askFloorPlugin } from './askFloor';

/** Creates the bench tenant, as an operator does (`docuchat.tenant.create`). */
export const OPERATOR = 'user:default/bench-operator';
/** The bench tenant's owner. */
export const OWNER_GROUP = 'group:default/bench-team';
/** The asking user: a member of the owner group, nothing more. */
export const ASKER = 'user:default/bench-asker';

/** A logger that drops everything: the bench prints its own report. */
export const silentLogger: LoggerService = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

export interface AskBackend {
  /** `http://127.0.0.1:<port>/api/docuchat/tenants/<tenant>/ask` */
  askUrl: string;
  /** The floor's bare answer route beside the plugin (lib/askFloor.ts). */
  floorUrl: string;
  authorization: string;
  /** The embedding model id and size the plugin uses. */
  embeddingModel: string;
  dimensions: number;
  /** The backend's HTTP server, e.g. to count queries per request. */
  server: http.Server;
  stop(): Promise<void>;
}

/**
 * The real DocuChat plugin in a Backstage test backend on `knex`, with
 * OpenAI embeddings and one chat model served by the OpenAI test server at
 * `openAiBaseURL`, and the answer cache off (every question must reach
 * retrieval and the model). The query-embedding cache keeps its default,
 * and so does everything else but the rate limit, raised far above what
 * the askers send so that it is counted (its database write included) but
 * never refuses.
 *
 * Permissions as the portal's policy answers them: operators may do
 * everything, members of a tenant's owner may use the tenant. The tenant
 * is created through the API by an operator, owned by a group; the asker
 * is a member of that group and holds nothing else.
 */
export async function startAskBackend(options: {
  knex: Knex;
  tenantId: string;
  dimensions: number;
  openAiBaseURL: string;
}): Promise<AskBackend> {
  const docuchat = {
    openai: { apiKey: 'bench-key', baseURL: options.openAiBaseURL },
    embeddings: { provider: 'openai', dimensions: options.dimensions },
    chat: { models: [{ model: 'gpt-bench' }] },
    cache: { answers: { ttlSeconds: 0 } },
    limits: { asksPerTenantPerMinute: 1_000_000 },
  };
  const backend = await startTestBackend({
    features: [
      docuchatPlugin,
      askFloorPlugin,
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () =>
          ownershipPermissions({
            operators: [OPERATOR],
            groups: { [ASKER]: [OWNER_GROUP] },
          }),
      }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({ data: { docuchat } }),
    ],
  });
  const apiUrl = `http://127.0.0.1:${backend.server.port()}/api`;
  const baseUrl = `${apiUrl}/docuchat`;
  try {
    const created = await fetch(`${baseUrl}/tenants`, {
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
  const embeddings = createEmbeddingProvider(
    new ConfigReader({ docuchat }),
    silentLogger,
  );
  return {
    askUrl: `${baseUrl}/tenants/${options.tenantId}/ask`,
    floorUrl: `${apiUrl}/bench-floor/ask`,
    authorization: mockCredentials.user.header(ASKER),
    embeddingModel: embeddings.model,
    dimensions: embeddings.dimensions,
    server: backend.server,
    async stop() {
      await backend.stop();
    },
  };
}
