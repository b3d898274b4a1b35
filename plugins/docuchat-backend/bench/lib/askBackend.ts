import { LoggerService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { createEmbeddingProvider } from '../../src/embeddings/createEmbeddingProvider';
import { docuchatPlugin } from '../../src/plugin';

/** The asking user; owns the bench tenant, so no permission is needed. */
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
  authorization: string;
  /** The embedding model id and size the plugin uses. */
  embeddingModel: string;
  dimensions: number;
  stop(): Promise<void>;
}

/**
 * The real DocuChat plugin in a Backstage test backend on `knex`, with
 * OpenAI embeddings and one chat model served by the OpenAI test server at
 * `openAiBaseURL` (in the askers' thread), and the answer cache off (every question must reach retrieval
 * and the model). The query-embedding cache keeps its default.
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
    tenants: [{ id: options.tenantId, displayName: 'Bench', ownerRef: ASKER }],
  };
  const backend = await startTestBackend({
    features: [
      docuchatPlugin,
      // Ownership admits the asker; nobody holds the admin permission.
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({ data: { docuchat } }),
    ],
  });
  const embeddings = createEmbeddingProvider(
    new ConfigReader({ docuchat }),
    silentLogger,
  );
  return {
    askUrl: `http://127.0.0.1:${backend.server.port()}/api/docuchat/tenants/${
      options.tenantId
    }/ask`,
    authorization: mockCredentials.user.header(ASKER),
    embeddingModel: embeddings.model,
    dimensions: embeddings.dimensions,
    async stop() {
      await backend.stop();
    },
  };
}
