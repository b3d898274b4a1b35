/**
 * yarn eval:retrieval DIR — retrieval quality of DocuChat on a BEIR-format
 * collection, beside an independent BM25 library on the same documents.
 *
 * Every corpus document is ingested through the real path (IngestionService:
 * parse, chunk, embed, vectors, full-text index) into a fresh tenant; every
 * judged query runs through HybridSearch in its three modes with k = 10, the
 * chunk hits mapped to their documents. Prints nDCG@10 and recall@10 per
 * method and MET/MISSED for the targets (full text ≥ BM25 baseline, hybrid ≥
 * the better branch). Exits non-zero on errors only, not on missed targets.
 *
 *   yarn eval:retrieval eval/collections/docuchat-docs
 *   yarn eval:retrieval DIR --db pg17 --vector-weight 1,0.5,0.3 --fusion-k 60,20
 *   yarn eval:retrieval DIR --limit-queries 10
 */
import { ConfigReader } from '@backstage/config';
import { randomBytes } from 'node:crypto';
import { DatabaseTenantStore } from '../src/database/DatabaseTenantStore';
import { DatabaseUsageLedger } from '../src/usage/DatabaseUsageLedger';
import { applyDatabaseMigrations } from '../src/database/migrations';
import { UsageMeter } from '../src/usage/UsageMeter';
import { firstOccurrences, meanOf, ndcgAtK, recallAtK } from './rankingMetrics';
import { HybridSearch, SearchMode } from '../src/search/HybridSearch';
import { createRetrievalServices } from '../src/sources/createRetrievalServices';
import { readOptions } from '../src/readOptions';
import { createBm25Baseline } from './bm25Baseline';
import { consoleLogger } from './consoleLogger';
import { readEvalArgs } from './evalArgs';
import { openEvalDatabase } from './evalDatabase';
import { evalEmbeddings } from './evalEmbeddings';
import { ingestCollection } from './ingestCollection';
import {
  EvalReport,
  fusionLabel,
  MethodScores,
  printPerQuery,
  printReport,
} from './printReport';
import { BeirQuery, readBeirCollection } from './readBeirCollection';

const K = 10;

function seconds(since: number) {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

async function score(
  label: string,
  queries: BeirQuery[],
  rank: (query: string) => Promise<string[]>,
): Promise<MethodScores> {
  const ndcg: number[] = [];
  const recall: number[] = [];
  const lengths: number[] = [];
  for (const query of queries) {
    const ranking = firstOccurrences(await rank(query.text));
    ndcg.push(ndcgAtK(ranking, query.judgements, K)!);
    recall.push(recallAtK(ranking, query.judgements, K)!);
    lengths.push(ranking.length);
  }
  return {
    label,
    ndcg: meanOf(ndcg) ?? NaN,
    recall: meanOf(recall) ?? NaN,
    meanDocuments: meanOf(lengths) ?? NaN,
    perQuery: ndcg,
  };
}

async function main(): Promise<void> {
  const args = readEvalArgs(process.argv.slice(2));
  if (!args) return;
  const logger = consoleLogger(args.verbose);
  const started = performance.now();

  const collection = await readBeirCollection(args.dir);
  const queries = collection.queries.slice(0, args.limitQueries);
  if (queries.length === 0) throw new Error(`${args.dir}: no judged queries`);

  const database = await openEvalDatabase(args.db);
  try {
    const { knex } = database;
    await applyDatabaseMigrations(knex);
    // The plugin's own defaults (chunk size, overlap, upload limit).
    const options = readOptions(new ConfigReader({}));
    const embeddings = evalEmbeddings(args.embeddings, logger);
    const meter = new UsageMeter({
      ledger: new DatabaseUsageLedger(knex),
      logger,
    });
    const {
      documents,
      vectors,
      fullText,
      ingestion,
      searchWith: fusedBy,
      fusion: ruleFusion,
    } = await createRetrievalServices({
      knex,
      embeddings,
      meter,
      logger,
      settings: options,
    });

    const skipped = collection.unjudgedQueries
      ? ` (${collection.unjudgedQueries} without relevant judgements skipped)`
      : '';
    process.stdout.write(
      [
        `Collection  ${args.dir}: ${collection.corpus.length} documents, ${queries.length} judged queries evaluated${skipped}`,
        `Database    ${database.label}; ${vectors.constructor.name}, ${fullText.constructor.name}`,
        `Embeddings  ${embeddings.model}`,
        '',
      ].join('\n'),
    );
    if (collection.danglingJudgements > 0) {
      logger.warn(
        `${collection.danglingJudgements} judgements name documents missing from the corpus`,
      );
    }

    const ingestStarted = performance.now();
    const ingested = await ingestCollection({
      corpus: collection.corpus,
      tenants: new DatabaseTenantStore(knex),
      documents,
      ingestion,
      tenantId: `eval-${randomBytes(4).toString('hex')}`,
    });
    process.stdout.write(
      `Ingested    ${ingested.corpusIds.size} documents, ${
        ingested.chunks
      } chunks in ${seconds(ingestStarted)}\n`,
    );
    if (ingested.rejected.length > 0) {
      logger.warn(
        `${ingested.rejected.length} documents were refused at upload and cannot be found (e.g. ${ingested.rejected[0].id}: ${ingested.rejected[0].reason})`,
      );
    }

    const baselineIndex = createBm25Baseline(collection.corpus);
    const toCorpusIds = (hits: Array<{ documentId: string }>) =>
      hits.flatMap(hit => ingested.corpusIds.get(hit.documentId) ?? []);
    const searchWith =
      (search: HybridSearch, mode: SearchMode) => async (query: string) =>
        toCorpusIds(await search.search(ingested.tenantId, query, K, mode));
    const fusions = args.fusions.map(fusion => ({
      ...ruleFusion,
      ...Object.fromEntries(
        Object.entries(fusion).filter(([, value]) => value !== undefined),
      ),
    }));
    const searches = fusions.map(fusion => fusedBy(fusion));

    const queryStarted = performance.now();
    const report: EvalReport = {
      k: K,
      queryIds: queries.map(q => q.id),
      baseline: await score(
        'BM25 baseline (wink-bm25-text-search)',
        queries,
        async query => baselineIndex.search(query, K),
      ),
      fullTextOnePass: await score(
        `full text, one pass (${fullText.constructor.name})`,
        queries,
        searchWith(
          fusedBy(fusions[0], { ...options.feedback, enabled: false }),
          'fulltext',
        ),
      ),
      // The branches alone do not depend on the fusion settings.
      fullText: await score(
        options.feedback.enabled
          ? `full text + RM3 (${options.feedback.documents} docs, ${options.feedback.terms} terms, weight ${options.feedback.originalQueryWeight})`
          : `full text (${fullText.constructor.name})`,
        queries,
        searchWith(searches[0], 'fulltext'),
      ),
      vector: await score(
        `vector (${embeddings.model})`,
        queries,
        searchWith(searches[0], 'vector'),
      ),
      hybrids: [],
    };
    for (const [index, fusion] of fusions.entries()) {
      report.hybrids.push({
        fusion,
        scores: await score(
          fusionLabel(fusion),
          queries,
          searchWith(searches[index], 'hybrid'),
        ),
      });
    }
    process.stdout.write(
      `Searched    ${queries.length} queries × ${
        4 + args.fusions.length
      } methods in ${seconds(queryStarted)}\n\n`,
    );

    if (args.perQuery) {
      printPerQuery(
        report,
        queries.map(q => q.text),
      );
    }
    const missed = printReport(report);
    process.stdout.write(
      `\n${
        missed === 0 ? 'All targets met' : `${missed} target(s) missed`
      }; total ${seconds(started)}\n`,
    );
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`eval:retrieval failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
