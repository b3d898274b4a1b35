/**
 * yarn bench:search — what feedback expansion (RM3) and the fusion rule
 * cost a search, side by side in one run, on PostgreSQL 17 + pgvector:
 * a tenant of 10k chunks (× BENCH_SCALE, at least 200) of bench:ask's
 * generated runbooks, and 300 questions (× BENCH_SCALE, at least 30) asked
 * one at a time through HybridSearch, the variants interleaved question by
 * question so that load on the machine hits them alike:
 *
 * - before issue 26: one BM25 pass, fusion k 10, vector 0.2, full text 1;
 * - now: RM3 (the defaults) and the fusion rule's weights;
 * - now without RM3, to show what the second pass costs.
 *
 * Prints p50/p95 of hybrid search and of the full-text branch alone, and
 * the ratios to before. Query vectors come from the OpenAI test server's
 * hash embedding, computed in process, so the times are the database's.
 * Then the same corpus and questions in SQLite (in memory, the embedded
 * default): its full-text branch with and without feedback. Exits non-zero
 * on errors.
 *
 *   BENCH_SCALE=0.02 yarn bench:search
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';
import { DatabaseDocumentStore } from '../src/database/DatabaseDocumentStore';
import { DatabaseUsageLedger } from '../src/usage/DatabaseUsageLedger';
import { DatabaseTenantStore } from '../src/database/DatabaseTenantStore';
import { applyDatabaseMigrations } from '../src/database/migrations';
import { UsageMeter } from '../src/usage/UsageMeter';
import { createFullTextIndex } from '../src/search/createFullTextIndex';
import { FusionOptions } from '../src/search/fuseRankings';
import { fusionOptions } from '../src/search/fusionRule';
import { HybridSearch, SearchMode } from '../src/search/HybridSearch';
import { QueryEmbedder } from '../src/search/QueryEmbedder';
import {
  DEFAULT_FEEDBACK,
  FeedbackSettings,
} from '../src/search/relevanceModel';
import { deterministicEmbedding } from '@internal/docuchat-test-utils';
import { createVectorStore } from '../src/vectors/createVectorStore';
import { AskCorpus, loadAskCorpus } from './lib/askCorpus';
import { fixed, percentile, printTable, timed } from './lib/report';
import { withScratchDatabase } from './lib/scratchDatabase';
import knexFactory, { Knex } from 'knex';
import { benchScale } from './lib/settings';

const TENANT = 'bench-search';
const MODEL = 'openai:bench-hash';
const DIMENSIONS = 256;
const K = 6;

const quiet: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => quiet,
};

const hashEmbeddings: EmbeddingProvider = {
  model: MODEL,
  dimensions: DIMENSIONS,
  async embed(texts) {
    return {
      vectors: texts.map(text => deterministicEmbedding(text, DIMENSIONS)),
      promptTokens: 0,
    };
  },
};

/** The benchmark tenant, migrated and loaded; the corpus asks the questions. */
async function loadTenant(knex: Knex, chunks: number): Promise<AskCorpus> {
  await applyDatabaseMigrations(knex);
  await new DatabaseTenantStore(knex).create({
    id: TENANT,
    displayName: 'bench',
    ownerRef: 'group:default/bench',
  });
  const corpus = new AskCorpus();
  await loadAskCorpus(knex, corpus, {
    tenantId: TENANT,
    chunks,
    model: MODEL,
    dimensions: DIMENSIONS,
    logger: quiet,
  });
  return corpus;
}

async function main() {
  const scale = benchScale();
  const chunks = Math.max(200, Math.round(10_000 * scale));
  const questionCount = Math.max(30, Math.round(300 * scale));
  await withScratchDatabase('search', async ({ knex }) => {
    const corpus = await loadTenant(knex, chunks);
    const documents = new DatabaseDocumentStore(knex);
    const vectors = await createVectorStore(knex, { logger: quiet });
    const queryEmbedder = new QueryEmbedder({
      embeddings: hashEmbeddings,
      meter: new UsageMeter({
        ledger: new DatabaseUsageLedger(knex),
        logger: quiet,
      }),
    });
    const search = (feedback: FeedbackSettings, fusion: FusionOptions) =>
      new HybridSearch({
        documents,
        vectors,
        fullText: createFullTextIndex(knex, feedback),
        queryEmbedder,
        fusion,
      });
    const oneHop = { ...DEFAULT_FEEDBACK, enabled: false };
    const rule = fusionOptions({ k: 10 }, 'local:use-lite:512');
    const variants: Array<{ label: string; search: HybridSearch }> = [
      {
        label: 'before issue 26 (one pass; k 10, v 0.2, f 1)',
        search: search(oneHop, { k: 10, vectorWeight: 0.2, fullTextWeight: 1 }),
      },
      {
        label: 'now (RM3 10/10/0.5; rule weights)',
        search: search(DEFAULT_FEEDBACK, rule),
      },
      { label: 'now without RM3', search: search(oneHop, rule) },
    ];
    const questions = corpus.questions(questionCount);
    const times = variants.map(() => ({
      hybrid: [] as number[],
      fulltext: [] as number[],
    }));
    // Warm up the caches and plans once.
    for (const variant of variants) {
      await variant.search.search(TENANT, questions[0], K);
    }
    for (const question of questions) {
      for (const [i, variant] of variants.entries()) {
        for (const mode of ['hybrid', 'fulltext'] as SearchMode[]) {
          const { ms } = await timed(() =>
            variant.search.search(TENANT, question, K, mode),
          );
          times[i][mode as 'hybrid' | 'fulltext'].push(ms);
        }
      }
    }
    process.stdout.write(
      `bench:search on PostgreSQL 17: ${chunks} chunks, ${questions.length} questions one at a time, k=${K} (scale ${scale})\n\n`,
    );
    const p = (values: number[], q: number) => percentile(values, q);
    const before = times[0];
    printTable(
      [
        'variant',
        'hybrid p50 ms',
        'hybrid p95 ms',
        'p95 / before',
        'full text p50 ms',
        'full text p95 ms',
        'p95 / before',
      ],
      variants.map((variant, i) => [
        variant.label,
        fixed(p(times[i].hybrid, 50), 2),
        fixed(p(times[i].hybrid, 95), 2),
        `${fixed(p(times[i].hybrid, 95) / p(before.hybrid, 95), 2)}×`,
        fixed(p(times[i].fulltext, 50), 2),
        fixed(p(times[i].fulltext, 95), 2),
        `${fixed(p(times[i].fulltext, 95) / p(before.fulltext, 95), 2)}×`,
      ]),
    );
    const ratio = p(times[1].hybrid, 95) / p(before.hybrid, 95);
    process.stdout.write(
      `\nTarget: search p95 ≤ 1.5 × before: ${fixed(ratio, 2)}× ${
        ratio <= 1.5 ? 'MET' : 'MISSED'
      }\n`,
    );
  });
  await benchSqlite(chunks, questionCount);
}

/** The full-text branch on SQLite, one pass and with feedback, interleaved. */
async function benchSqlite(chunks: number, questionCount: number) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  try {
    const corpus = await loadTenant(knex, chunks);
    const variants = [
      {
        label: 'one pass',
        index: createFullTextIndex(knex, {
          ...DEFAULT_FEEDBACK,
          enabled: false,
        }),
      },
      {
        label: 'RM3 10/10/0.5',
        index: createFullTextIndex(knex, DEFAULT_FEEDBACK),
      },
    ];
    // As HybridSearch asks the branch: max(4k, 40) candidates.
    const candidates = Math.max(K * 4, 40);
    const questions = corpus.questions(questionCount);
    const times = variants.map(() => [] as number[]);
    for (const variant of variants) {
      await variant.index.search(TENANT, questions[0], candidates);
    }
    for (const question of questions) {
      for (const [i, variant] of variants.entries()) {
        const { ms } = await timed(() =>
          variant.index.search(TENANT, question, candidates),
        );
        times[i].push(ms);
      }
    }
    process.stdout.write(
      `\nSQLite (in memory), full-text branch: ${chunks} chunks, ${questions.length} questions\n\n`,
    );
    printTable(
      ['variant', 'p50 ms', 'p95 ms', 'p95 / one pass'],
      variants.map((variant, i) => [
        variant.label,
        fixed(percentile(times[i], 50), 2),
        fixed(percentile(times[i], 95), 2),
        `${fixed(percentile(times[i], 95) / percentile(times[0], 95), 2)}×`,
      ]),
    );
  } finally {
    await knex.destroy();
  }
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`bench:search failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
