import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';
import { Knex } from 'knex';
import { DatabaseDocumentStore } from '../database/DatabaseDocumentStore';
import {
  DEFAULT_PARSER_POOL,
  DocumentParser,
  ParserPool,
} from '../ingest/ParserPool';
import { UsageMeter } from '../usage/UsageMeter';
import { createFullTextIndex } from '../search/createFullTextIndex';
import { FusionOptions } from '../search/fuseRankings';
import { fusionOptions, FusionSettings } from '../search/fusionRule';
import { HybridSearch } from '../search/HybridSearch';
import { QueryEmbedder, QueryVectorCache } from '../search/QueryEmbedder';
import { FeedbackSettings } from '../search/relevanceModel';
import { createVectorStore } from '../vectors/createVectorStore';
import {
  IngestionObserver,
  IngestionService,
  IngestionWorkSettings,
} from './IngestionService';
import { RunningWork } from '../lifecycle/RunningWork';

/** How documents are cut and searched (`docuchat.ingestion`, `.search`). */
export interface RetrievalSettings {
  maxUploadBytes: number;
  chunking: { maxTokens: number; overlapTokens: number };
  fusion: FusionSettings;
  feedback: FeedbackSettings;
}

/**
 * Documents in, chunks out: the stores, ingestion and hybrid search wired
 * the same way for the plugin and for `yarn eval:retrieval`, so the
 * evaluation measures what users get.
 */
export async function createRetrievalServices(options: {
  knex: Knex;
  embeddings: EmbeddingProvider;
  meter: UsageMeter;
  logger: LoggerService;
  settings: RetrievalSettings;
  queryVectorCache?: QueryVectorCache;
  onChunksIndexed?: (tenantId: string, count: number) => void;
  /** Parses uploads; a ParserPool with the default limits when absent. */
  parser?: DocumentParser;
  observer?: IngestionObserver;
  /** Claims and leases (defaults when absent). */
  work?: Partial<IngestionWorkSettings>;
  running?: RunningWork;
  auditor?: AuditorService;
}) {
  const { knex, embeddings, meter, logger, settings } = options;
  const documents = new DatabaseDocumentStore(knex);
  const vectors = await createVectorStore(knex, { logger });
  const fullText = createFullTextIndex(knex, settings.feedback);
  const ingestion = new IngestionService({
    documents,
    vectors,
    fullText,
    embeddings,
    parser: options.parser ?? new ParserPool(DEFAULT_PARSER_POOL),
    observer: options.observer,
    meter,
    onChunksIndexed: options.onChunksIndexed,
    logger,
    maxUploadBytes: settings.maxUploadBytes,
    chunking: settings.chunking,
    work: options.work,
    running: options.running,
    auditor: options.auditor,
  });
  const queryEmbedder = new QueryEmbedder({
    embeddings,
    meter,
    cache: options.queryVectorCache,
  });
  // The branches' weights follow from their measured quality with this
  // embedder (fusionRule.ts).
  const fusion = fusionOptions(settings.fusion, embeddings.model);
  const searchWith = (
    fusionWith: FusionOptions = fusion,
    feedback: FeedbackSettings = settings.feedback,
  ) =>
    new HybridSearch({
      documents,
      vectors,
      fullText:
        feedback === settings.feedback
          ? fullText
          : createFullTextIndex(knex, feedback),
      queryEmbedder,
      fusion: fusionWith,
    });
  return {
    documents,
    vectors,
    fullText,
    ingestion,
    queryEmbedder,
    search: searchWith(),
    /** The weights the fusion rule gives this embedder. */
    fusion,
    /** The same search with other fusion or feedback settings (evaluation). */
    searchWith,
  };
}
