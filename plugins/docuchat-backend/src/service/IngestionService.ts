import { LoggerService } from '@backstage/backend-plugin-api';
import { DocumentSummary } from '@internal/backstage-plugin-docuchat-common';
import { EmbeddingProvider } from '@internal/backstage-plugin-docuchat-node';
import { createHash, randomUUID } from 'node:crypto';
import { DocumentStore, StoredChunk } from '../database/DocumentStore';
import { chunkDocument } from '../ingest/chunkDocument';
import { UsageMeter } from '../metering/UsageMeter';
import { PayloadTooLargeError } from '../ingest/errors';
import { parseDocument } from '../ingest/parseDocument';
import { PARSER_VERSION } from '../ingest/parserVersion';
import { FullTextIndex } from '../search/FullTextIndex';
import { VectorStore } from '../vectors/types';

export interface Upload {
  title?: string;
  fileName?: string;
  contentType: string;
  content: Buffer;
}

export interface IngestionOptions {
  documents: DocumentStore;
  vectors: VectorStore;
  fullText: FullTextIndex;
  embeddings: EmbeddingProvider;
  /** Bills each embedding call to the document's tenant. */
  meter: UsageMeter;
  /** Told how many chunks each finished document added to its tenant. */
  onChunksIndexed?: (tenantId: string, count: number) => void;
  logger: LoggerService;
  maxUploadBytes: number;
  chunking: { maxTokens: number; overlapTokens: number };
}

// Embedding calls per document are sliced so one huge upload cannot hold a
// single request open for minutes, and progress shows in the log.
const EMBED_SLICE = 64;

/**
 * Upload → parse → chunk → embed → store. Uploads are validated (size, type,
 * readable text) before anything is written; the rest runs in the background
 * with the document's status (queued → processing → ready | failed) visible
 * through the API. A document's chunks, vectors and full-text rows are
 * replaced in one transaction.
 */
export class IngestionService {
  private readonly queue: Array<{ tenantId: string; id: string }> = [];
  private running: Promise<void> | undefined;

  constructor(private readonly options: IngestionOptions) {}

  /** Validates and stores an upload; duplicates return the existing doc. */
  async submit(
    tenantId: string,
    upload: Upload,
  ): Promise<{ document: DocumentSummary; created: boolean }> {
    const { maxUploadBytes, documents } = this.options;
    if (upload.content.length > maxUploadBytes) {
      throw new PayloadTooLargeError(upload.content.length, maxUploadBytes);
    }
    // Parsing up front turns unsupported or unreadable input into a 415/422
    // now, instead of a failed document later.
    await parseDocument(upload.content, {
      contentType: upload.contentType,
      fileName: upload.fileName,
    });

    const result = await documents.createOrFind({
      tenantId,
      title: upload.title?.trim() || upload.fileName || 'Untitled',
      fileName: upload.fileName,
      contentType: upload.contentType,
      contentHash: createHash('sha256').update(upload.content).digest('hex'),
      content: upload.content,
    });
    if (result.created) this.enqueue(tenantId, result.document.id);
    return result;
  }

  async reindex(tenantId: string, id: string): Promise<boolean> {
    const queued = await this.options.documents.transition(
      tenantId,
      id,
      ['ready', 'failed'],
      'queued',
    );
    if (queued) this.enqueue(tenantId, id);
    return queued;
  }

  /** Deletes the document with its chunks, vectors and full-text rows. */
  async remove(tenantId: string, id: string): Promise<boolean> {
    const { documents, vectors, fullText } = this.options;
    return documents.transaction(async trx => {
      await vectors.deleteDocument(trx, tenantId, id);
      await fullText.deleteDocument(trx, tenantId, id);
      return documents.delete(trx, tenantId, id);
    });
  }

  /**
   * Queues what a restart left behind, what another embedding model
   * produced (vectors of different models are never mixed) and what an
   * older parser chunked.
   */
  async resume(): Promise<void> {
    const { documents, embeddings, logger } = this.options;
    for (const doc of await documents.listQueued()) {
      this.enqueue(doc.tenantId, doc.id);
    }
    const stale = await documents.listStale({
      embeddingModel: embeddings.model,
      parserVersion: PARSER_VERSION,
    });
    if (stale.length > 0) {
      logger.info(
        `Re-chunking and re-embedding ${stale.length} documents (${embeddings.model}, parser version ${PARSER_VERSION})`,
      );
    }
    for (const doc of stale) await this.reindex(doc.tenantId, doc.id);
  }

  /** Resolves when the queue is empty (tests, demo seeding). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  private enqueue(tenantId: string, id: string) {
    this.queue.push({ tenantId, id });
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = undefined;
      });
    }
  }

  private async drain() {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      await this.process(next.tenantId, next.id);
    }
  }

  private async process(tenantId: string, id: string): Promise<void> {
    const { documents, logger } = this.options;
    // The claim makes a document ingested once even with several replicas.
    if (!(await documents.transition(tenantId, id, ['queued'], 'processing'))) {
      return;
    }
    const started = Date.now();
    try {
      const chunkCount = await this.ingest(tenantId, id);
      this.options.onChunksIndexed?.(tenantId, chunkCount);
      logger.info(
        `Ingested document ${id} of tenant ${tenantId}: ${chunkCount} chunks in ${
          Date.now() - started
        } ms`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(`Ingestion of document ${id} failed: ${message}`);
      await documents.transition(
        tenantId,
        id,
        ['processing'],
        'failed',
        message,
      );
    }
  }

  private async ingest(tenantId: string, id: string): Promise<number> {
    const { documents, vectors, fullText, embeddings, chunking, meter } =
      this.options;
    const { content, contentType, fileName, ingestedWith } =
      await documents.getContent(tenantId, id);
    // Redoing chunks an older parser or another model made is maintenance
    // the operator caused: metered, never invoiced to the tenant.
    const maintenance =
      ingestedWith !== undefined &&
      (ingestedWith.embeddingModel !== embeddings.model ||
        ingestedWith.parserVersion < PARSER_VERSION);
    const parsed = await parseDocument(content, { contentType, fileName });
    const chunks = chunkDocument(parsed, chunking);

    const vectorsByChunk: Float32Array[] = [];
    for (let i = 0; i < chunks.length; i += EMBED_SLICE) {
      const slice = chunks.slice(i, i + EMBED_SLICE).map(c => c.text);
      const result = await embeddings.embed(slice).catch(error => {
        meter.countFailedEmbedding(embeddings.model);
        throw error;
      });
      // Billed even if storing fails later: the model was called.
      await meter.record({
        requestId: randomUUID(),
        tenantId,
        model: embeddings.model,
        operation: 'embedding',
        promptTokens: result.promptTokens,
        completionTokens: 0,
        documentId: id,
        billable: !maintenance,
      });
      vectorsByChunk.push(...result.vectors);
    }

    const stored: StoredChunk[] = chunks.map(chunk => ({
      id: randomUUID(),
      tenantId,
      documentId: id,
      ordinal: chunk.ordinal,
      text: chunk.text,
      headingPath: chunk.headingPath,
      charStart: chunk.start,
      charEnd: chunk.end,
      tokenCount: chunk.tokenCount,
      embeddingModel: embeddings.model,
      embeddingDimensions: embeddings.dimensions,
      blocks: chunk.blocks,
    }));

    await documents.transaction(async trx => {
      await vectors.deleteDocument(trx, tenantId, id);
      await fullText.deleteDocument(trx, tenantId, id);
      await documents.replaceChunks(trx, tenantId, id, stored, PARSER_VERSION);
      await vectors.insert(
        trx,
        embeddings.model,
        embeddings.dimensions,
        stored.map((chunk, i) => ({
          chunkId: chunk.id,
          tenantId,
          documentId: id,
          vector: vectorsByChunk[i],
        })),
      );
      await fullText.indexDocument(trx, tenantId, id);
    });
    return stored.length;
  }
}
