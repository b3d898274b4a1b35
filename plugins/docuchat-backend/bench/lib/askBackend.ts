import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import http from 'node:http';
import { createEmbeddingProvider } from '../../src/embeddings/createEmbeddingProvider';
import { askFloorPlugin } from './askFloor';
import { silentLogger, startBenchBackend } from './benchBackend';

export { silentLogger };

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
 * bench:ask's backend (lib/benchBackend.ts: the tenant created by an
 * operator, the asker a member of its owner group), with OpenAI embeddings
 * and one chat model served by the OpenAI test server at `openAiBaseURL`,
 * and the answer cache off (every question must reach retrieval and the
 * model). The query-embedding cache keeps its default, and so does
 * everything else but the rate limit, raised far above what the askers
 * send so that it is counted (its database write included) but never
 * refuses. The floor's bare answer route runs beside the plugin.
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
  const backend = await startBenchBackend({
    knex: options.knex,
    tenantId: options.tenantId,
    docuchat,
    features: [askFloorPlugin],
  });
  const embeddings = createEmbeddingProvider(
    new ConfigReader({ docuchat }),
    silentLogger,
  );
  return {
    askUrl: `${backend.tenantUrl}/ask`,
    floorUrl: `${backend.apiUrl}/bench-floor/ask`,
    authorization: backend.authorization,
    embeddingModel: embeddings.model,
    dimensions: embeddings.dimensions,
    server: backend.server,
    stop: backend.stop,
  };
}
