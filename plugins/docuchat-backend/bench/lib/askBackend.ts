import { LoggerService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { createEmbeddingProvider } from '../../src/embeddings/createEmbeddingProvider';
import { docuchatPlugin } from '../../src/plugin';
import {
  chatCompletionsRoute,
  OpenAiTestServer,
  startOpenAiTestServer,
} from '../../src/testing/openAiTestServer';

const CHAT = 'POST /v1/chat/completions';

/** The asking user; owns the bench tenant, so no permission is needed. */
export const ASKER = 'user:default/bench-asker';

/** When the test server got one chat request and sent its first word. */
export interface ModelTiming {
  receivedAt: number;
  firstDeltaAt?: number;
}

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
  /**
   * The model's own time per question (keyed by the question, the last
   * user message), measured inside the OpenAI test server.
   */
  modelTimings: Map<string, ModelTiming>;
  stop(): Promise<void>;
}

/**
 * Wraps the test server's normal chat answer (which answers at once) to
 * note when each request arrived and when the first content delta was
 * written, so the bench can take the model's own time out of its figures.
 */
function timeChatRoute(
  openAi: OpenAiTestServer,
  timings: Map<string, ModelTiming>,
) {
  const answer = chatCompletionsRoute();
  openAi.route(CHAT, async ctx => {
    const timing: ModelTiming = { receivedAt: performance.now() };
    const question = ctx.request.body?.messages?.at(-1)?.content;
    if (typeof question === 'string') timings.set(question, timing);
    const write = ctx.res.write.bind(ctx.res) as (...args: any[]) => boolean;
    ctx.res.write = ((chunk: unknown, ...rest: any[]) => {
      // The role chunk comes first with empty content; the answer starts
      // with the first non-empty content delta.
      if (
        timing.firstDeltaAt === undefined &&
        typeof chunk === 'string' &&
        /"delta":\{"content":"[^"]/.test(chunk)
      ) {
        timing.firstDeltaAt = performance.now();
      }
      return write(chunk, ...rest);
    }) as typeof ctx.res.write;
    await answer(ctx);
  });
}

/**
 * The real DocuChat plugin in a Backstage test backend on `knex`, with
 * OpenAI embeddings and one chat model served by the local OpenAI test
 * server, and the answer cache off (every question must reach retrieval
 * and the model). The query-embedding cache keeps its default.
 */
export async function startAskBackend(options: {
  knex: Knex;
  tenantId: string;
  dimensions: number;
}): Promise<AskBackend> {
  const openAi = await startOpenAiTestServer();
  const modelTimings = new Map<string, ModelTiming>();
  timeChatRoute(openAi, modelTimings);

  const docuchat = {
    openai: { apiKey: 'bench-key', baseURL: openAi.baseURL },
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
    modelTimings,
    async stop() {
      await backend.stop();
      await openAi.close();
    },
  };
}
