import { ConflictError } from '@backstage/errors';
import { DocumentStore } from '../database/DocumentStore';
import { EMBEDDING_TEXT_VERSION } from '../embeddings/embeddingText';
import { countTokens } from '../ingest/tokens';
import { IngestionService } from './IngestionService';
import { costAtPrice, UsagePricing } from '../usage/UsagePricing';

/** What re-embedding the documents embedded from an older text would take. */
export interface ReembedEstimate {
  embeddingModel: string;
  /** The embedding text version documents are brought to. */
  embeddingTextVersion: number;
  documents: number;
  chunks: number;
  /** Tokens the embedder will read: each chunk's text, title and headings. */
  estimatedTokens: number;
  /** What the provider charges for them at `docuchat.pricing`, in Rials. */
  estimatedRials: number;
  /** Never billed to tenants: their ledger rows have `billable: false`. */
  billable: false;
  tenants: Array<{
    tenantId: string;
    documents: number;
    chunks: number;
    estimatedTokens: number;
  }>;
}

/**
 * The re-embed that contextual embeddings need (embeddingText.ts), as an
 * operator's job: `estimate()` shows its size and cost first, `start()`
 * queues exactly what that estimate counted. The ingestion workers do the
 * work; it is maintenance, so its ledger rows are never invoiced.
 */
export class ReembedMaintenance {
  constructor(
    private readonly options: {
      documents: DocumentStore;
      ingestion: IngestionService;
      pricing: UsagePricing;
      embeddingModel: string;
    },
  ) {}

  async estimate(): Promise<ReembedEstimate> {
    const { documents, pricing, embeddingModel } = this.options;
    const stale = await documents.listEmbeddedBefore(EMBEDDING_TEXT_VERSION);
    const tenants = new Map<string, ReembedEstimate['tenants'][number]>();
    for (const doc of stale) {
      const tenant = tenants.get(doc.tenantId) ?? {
        tenantId: doc.tenantId,
        documents: 0,
        chunks: 0,
        estimatedTokens: 0,
      };
      tenant.documents += 1;
      tenant.chunks += doc.chunkCount;
      // Every chunk gets its title in front; heading paths are not stored
      // per document, so they are left out of the estimate.
      tenant.estimatedTokens +=
        doc.tokenCount + doc.chunkCount * (countTokens(doc.title) + 1);
      tenants.set(doc.tenantId, tenant);
    }
    const list = [...tenants.values()];
    const sum = (key: 'documents' | 'chunks' | 'estimatedTokens') =>
      list.reduce((total, tenant) => total + tenant[key], 0);
    const estimatedTokens = sum('estimatedTokens');
    return {
      embeddingModel,
      embeddingTextVersion: EMBEDDING_TEXT_VERSION,
      documents: sum('documents'),
      chunks: sum('chunks'),
      estimatedTokens,
      estimatedRials: costAtPrice(pricing.priceOf(embeddingModel), {
        model: embeddingModel,
        promptTokens: estimatedTokens,
        completionTokens: 0,
      }),
      billable: false,
      tenants: list,
    };
  }

  /**
   * Queues the documents of the estimate the operator saw: `expected` is its
   * `documents`, and a different count now (uploads, deletions, another
   * run) is a 409, so nothing starts that was not shown.
   */
  async start(expected: number): Promise<ReembedEstimate> {
    const { documents, ingestion } = this.options;
    const estimate = await this.estimate();
    if (estimate.documents !== expected) {
      throw new ConflictError(
        `The estimate changed: ${estimate.documents} documents to re-embed now, not ${expected}; look at GET /maintenance/reembed again`,
      );
    }
    const stale = await documents.listEmbeddedBefore(EMBEDDING_TEXT_VERSION);
    for (const doc of stale) await documents.requeue(doc.tenantId, doc.id);
    ingestion.wake();
    return estimate;
  }
}
