import {
  coreServices,
  createBackendPlugin,
  LoggerService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import OpenAI from 'openai';
import { DatabaseDocumentStore } from '../../src/database/DatabaseDocumentStore';
import { createFullTextIndex } from '../../src/search/createFullTextIndex';
import { deterministicEmbedding } from '@internal/docuchat-test-utils';
import { createVectorStore } from '../../src/vectors/createVectorStore';
import { CpuMeter, CpuSpent } from './cpuMeter';

/** Sources an answer cites, as the plugin's default `docuchat.ask.k`. */
const SOURCES = 6;

/**
 * The floor's first part, a route beside the plugin in the bench backend:
 * `POST /api/bench-floor/ask` does what any answer of this design needs
 * and nothing of the plugin's own: the caller's credentials, the JSON body,
 * one embedding and one streamed chat completion through the `openai` SDK
 * (the same test server, model and size), and an event stream of the same
 * kinds of events an answer sends (six made-up citations, a token per
 * delta, usage, done). No database, no retrieval: the floor's second part
 * measures those alone (`measureRetrievalFloor`).
 */
export const askFloorPlugin = createBackendPlugin({
  pluginId: 'bench-floor',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
      },
      async init({ config, httpAuth, httpRouter }) {
        const openAi = new OpenAI({
          apiKey: config.getString('docuchat.openai.apiKey'),
          baseURL: config.getString('docuchat.openai.baseURL'),
          maxRetries: 0,
        });
        const [chat] = config.getConfigArray('docuchat.chat.models');
        const chatModel = chat.getString('model');
        const dimensions = config.getNumber('docuchat.embeddings.dimensions');
        const router = Router();
        router.use(express.json());
        router.post('/ask', async (req, res) => {
          await httpAuth.credentials(req, { allow: ['user'] });
          const question = String(req.body.question);
          const embedding = await openAi.embeddings.create({
            model: 'text-embedding-3-small',
            input: [question],
            dimensions,
            encoding_format: 'base64',
          });
          const citations = Array.from({ length: SOURCES }, (_, i) => ({
            n: i + 1,
            chunkId: `chunk-${i}`,
            documentId: 'document',
            documentTitle: 'Runbook',
            headingPath: ['Runbook'],
            snippet: 'x'.repeat(240),
            score: 0.5,
          }));
          res.status(200).set({
            'Content-Type': 'text/event-stream; charset=utf-8',
            'Cache-Control': 'no-cache, no-transform',
          });
          res.flushHeaders();
          const send = (event: string, data: unknown) =>
            res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
          send('citations', { citations });
          const stream = await openAi.chat.completions.create({
            model: chatModel,
            messages: [
              { role: 'system', content: 'Sources' },
              { role: 'user', content: question },
            ],
            stream: true,
            stream_options: { include_usage: true },
          });
          send('meta', { model: chatModel, fallbacks: [] });
          let answer = '';
          let usage: unknown;
          for await (const chunk of stream) {
            usage = chunk.usage ?? usage;
            const text = chunk.choices[0]?.delta?.content;
            if (text) {
              answer += text;
              send('token', { text });
            }
          }
          send('usage', { usage: [embedding.usage, usage] });
          send('done', {
            answer,
            model: chatModel,
            citations,
            usage: [],
            fallbacks: [],
            cached: false,
          });
          res.end();
        });
        httpRouter.use(router);
      },
    });
  },
});

/**
 * The floor's second part: what retrieval alone costs per question, the
 * plugin's three retrieval statements (vector search, BM25, the chosen
 * chunks) run straight through its stores, `concurrency` at a time, with
 * the query vectors the test server would return. Backend and database CPU,
 * as the bench measures the real questions.
 */
export async function measureRetrievalFloor(options: {
  knex: Knex;
  tenantId: string;
  model: string;
  dimensions: number;
  questions: string[];
  concurrency: number;
  logger: LoggerService;
  /** The vector store's exact-path threshold; its default when unset. */
  exactSearchThreshold?: number;
}): Promise<CpuSpent> {
  const { knex, tenantId, model, dimensions, questions, logger } = options;
  const vectors = await createVectorStore(knex, {
    logger,
    pgvector: { exactSearchThreshold: options.exactSearchThreshold },
  });
  const fullText = createFullTextIndex(knex);
  const documents = new DatabaseDocumentStore(knex);
  const retrieve = async (question: string) => {
    const [vectorHits, fullTextHits] = await Promise.all([
      vectors.search(
        tenantId,
        model,
        deterministicEmbedding(question, dimensions),
        40,
      ),
      fullText.search(tenantId, question, 40),
    ]);
    const ids = [
      ...new Set([...fullTextHits, ...vectorHits].map(hit => hit.chunkId)),
    ].slice(0, SOURCES);
    await documents.getChunks(tenantId, ids);
  };
  // Warm: the tenant's size and the index are looked up once per store.
  await retrieve(questions[0]);
  const meter = new CpuMeter(knex);
  const stop = await meter.start();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < questions.length) await retrieve(questions[next++]);
    }),
  );
  return stop();
}
