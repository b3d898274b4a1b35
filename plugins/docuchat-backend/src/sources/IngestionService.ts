import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { DocumentSummary } from '@docuchat/backstage-plugin-docuchat-common';
import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';
import { randomUUID, webcrypto } from 'node:crypto';
import { hostname } from 'node:os';
import {
  ClaimLostError,
  DocumentStore,
  IngestionClaim,
} from '../database/DocumentStore';
import { UsageMeter } from '../usage/UsageMeter';
import { checkUpload } from '../ingest/checkUpload';
import { PayloadTooLargeError } from '../ingest/errors';
import { DocumentFormat, resolveFormat } from '../ingest/mediaTypes';
import { failureReason, FailureReason } from '../ingest/parseFailures';
import { DocumentParser } from '../ingest/ParserPool';
import { PARSER_VERSION } from '../ingest/parserVersion';
import {
  EMBEDDING_TEXT_VERSION,
  embeddingText,
} from '../embeddings/embeddingText';
import { FullTextIndex } from '../search/FullTextIndex';
import { VectorStore } from '../vectors/types';
import { RunningWork } from '../lifecycle/RunningWork';
import { ChunkBatchWriter, PreparedDocument } from './ChunkBatchWriter';

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
  /** Parses and chunks uploads off the event loop (a ParserPool). */
  parser: DocumentParser;
  /** Told each document's parse time and each failure's reason. */
  observer?: IngestionObserver;
  /** Bills each embedding call to the document's tenant. */
  meter: UsageMeter;
  /** Told how many chunks each finished document added to its tenant. */
  onChunksIndexed?: (tenantId: string, count: number) => void;
  logger: LoggerService;
  maxUploadBytes: number;
  chunking: { maxTokens: number; overlapTokens: number };
  /** Claims, leases and retries; defaults in {@link DEFAULT_INGESTION_WORK}. */
  work?: Partial<IngestionWorkSettings>;
  /** The replica's running work, drained at shutdown. */
  running?: RunningWork;
  /** Records documents that end failed (no request: background work). */
  auditor?: AuditorService;
}

/** What ingestion reports to metrics. */
export interface IngestionObserver {
  parsed(format: DocumentFormat, seconds: number, ok: boolean): void;
  failed(reason: FailureReason | 'interrupted'): void;
}

/** How a replica takes ingestion work from the database. */
export interface IngestionWorkSettings {
  /** A claim is void this long after its last renewal. */
  leaseMs: number;
  /** Claims of one document before it ends failed. */
  maxAttempts: number;
  /** Batches one replica ingests at once. */
  concurrency: number;
  /**
   * Small documents of one tenant are ingested together: one claim, shared
   * embedding calls, one transaction (see ChunkBatchWriter).
   */
  batch: {
    /** Documents in one batch. */
    maxDocuments: number;
    /**
     * Tokens in one batch (estimated from the documents' sizes) and in one
     * embedding call (counted).
     */
    maxTokens: number;
    /** How long a batch that is not full waits for more documents, in ms. */
    waitMs: number;
  };
}

export const DEFAULT_INGESTION_WORK: IngestionWorkSettings = {
  leaseMs: 60_000,
  maxAttempts: 3,
  concurrency: 1,
  batch: { maxDocuments: 32, maxTokens: 16_384, waitMs: 20 },
};

// Embedding calls are sliced so one huge upload cannot hold a
// single request open for minutes, and progress shows in the log.
const EMBED_SLICE = 64;

/**
 * Upload → parse → chunk → embed → store. Uploads get the cheap checks
 * (size, type, encoding, format signature) before anything is written; the
 * rest runs in the background with the document's status (queued →
 * processing → ready | failed, with the reason) visible through the API.
 * Parsing and chunking run in the parser pool's worker threads, under its
 * limits, never on the event loop. A document's chunks, vectors and full-text rows are
 * replaced in one transaction.
 *
 * Work is claimed from the database, never held in memory: a worker claims a
 * document with its owner id and a lease, renews the lease while it works,
 * and stores the result only if it still holds the claim. A replica that
 * dies stops renewing; once the lease expired any replica claims the
 * document again (`wake`, called on upload and by the scheduler's poll).
 * After `maxAttempts` claims a document ends failed with the reason.
 */
export class IngestionService {
  readonly #options: IngestionOptions;
  readonly #settings: IngestionWorkSettings;
  readonly #running: RunningWork;
  readonly #writer: ChunkBatchWriter;
  /** This replica's claims carry this id (host, process, random). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #workers = 0;
  #idle: Promise<void> = Promise.resolve();
  #settleIdle: () => void = () => {};
  /** Bumped on every wake, so a worker that found nothing looks once more. */
  #wakes = 0;

  constructor(options: IngestionOptions) {
    this.#options = options;
    this.#settings = { ...DEFAULT_INGESTION_WORK, ...options.work };
    this.#running = options.running ?? new RunningWork();
    this.#writer = new ChunkBatchWriter({
      ...options,
      limits: {
        maxTexts: EMBED_SLICE,
        maxTokens: this.#settings.batch.maxTokens,
      },
    });
  }

  /** Validates and stores an upload; duplicates return the existing doc. */
  async submit(
    tenantId: string,
    upload: Upload,
  ): Promise<{ document: DocumentSummary; created: boolean }> {
    const { maxUploadBytes, documents } = this.#options;
    if (upload.content.length > maxUploadBytes) {
      throw new PayloadTooLargeError(upload.content.length, maxUploadBytes);
    }
    // Cheap checks only (type, encoding, signature): a 415/422 now for what
    // is plainly wrong. Parsing, and the limits it needs, run in a parser
    // worker; what fails there ends as a failed document with the reason.
    checkUpload(upload.content, {
      contentType: upload.contentType,
      fileName: upload.fileName,
    });

    const result = await documents.createOrFind({
      tenantId,
      title: upload.title?.trim() || upload.fileName || 'Untitled',
      fileName: upload.fileName,
      contentType: upload.contentType,
      // Web Crypto hashes on libuv's thread pool: 20 MB is tens of
      // milliseconds the event loop does not spend.
      contentHash: Buffer.from(
        await webcrypto.subtle.digest('SHA-256', upload.content),
      ).toString('hex'),
      content: upload.content,
    });
    if (result.created) this.wake();
    return result;
  }

  /**
   * Throws what ingestion would fail the bytes with (the cheap checks, then
   * the parser in a worker, under its limits), without storing or chunking
   * anything: for callers that refuse unreadable input up front.
   */
  async checkReadable(
    content: Buffer,
    meta: { contentType: string; fileName?: string },
  ): Promise<void> {
    checkUpload(content, meta);
    await this.#options.parser.parse(content, meta);
  }

  /**
   * Ingests the document again from scratch, whatever its state: a running
   * ingestion of it loses its claim and its result is dropped.
   */
  async reindex(tenantId: string, id: string): Promise<boolean> {
    const queued = await this.#options.documents.requeue(tenantId, id);
    if (queued) this.wake();
    return queued;
  }

  /**
   * Deletes the document with its chunks, vectors and full-text rows. Wins
   * over a running ingestion: its lease renewal and its final write find the
   * row gone, and it stops without storing anything.
   */
  async remove(tenantId: string, id: string): Promise<boolean> {
    const { documents, vectors, fullText } = this.#options;
    return documents.transaction(async trx => {
      await vectors.deleteDocuments(trx, tenantId, [id]);
      await fullText.deleteDocument(trx, tenantId, id);
      return documents.delete(trx, tenantId, id);
    });
  }

  /**
   * At start-up: takes what is queued or abandoned, and re-queues what
   * another embedding model produced (vectors of different models are
   * never mixed) and what an older parser chunked.
   */
  async resume(): Promise<void> {
    const { documents, embeddings, logger } = this.#options;
    const stale = await documents.listStale({
      embeddingModel: embeddings.model,
      parserVersion: PARSER_VERSION,
    });
    if (stale.length > 0) {
      logger.info(
        `Re-chunking and re-embedding ${stale.length} documents (${embeddings.model}, parser version ${PARSER_VERSION})`,
      );
    }
    for (const doc of stale) await documents.requeue(doc.tenantId, doc.id);
    this.wake();
  }

  /**
   * Looks for work: starts workers up to the concurrency; workers already
   * running look again before they stop. Called on upload, reindex and by
   * the scheduler's poll (work other replicas queued or abandoned).
   */
  wake(): void {
    this.#wakes++;
    if (this.#running.closing) return;
    if (this.#workers === 0) {
      this.#idle = new Promise(resolve => {
        this.#settleIdle = resolve;
      });
    }
    while (this.#workers < this.#settings.concurrency) {
      this.#workers++;
      void this.#work().finally(() => {
        if (--this.#workers === 0) this.#settleIdle();
      });
    }
  }

  /** Resolves when this replica's workers found nothing more to do. */
  async whenIdle(): Promise<void> {
    await this.#idle;
  }

  async #work(): Promise<void> {
    const { logger } = this.#options;
    while (!this.#running.closing) {
      const wakes = this.#wakes;
      let claims: IngestionClaim[];
      try {
        await this.#failExhausted();
        claims = await this.#claimBatch();
      } catch (error) {
        logger.error('Could not claim ingestion work', toError(error));
        return; // the next poll tries again
      }
      if (claims.length > 0) {
        await this.#running
          .run(undefined, signal => this.#process(claims, signal))
          .catch(error =>
            logger.error(
              `Ingestion of ${claims.map(c => c.id).join(', ')} stopped`,
              toError(error),
            ),
          );
      } else if (wakes === this.#wakes) {
        return;
      }
    }
  }

  /**
   * The next batch: the oldest claimable document with more of its tenant,
   * up to the batch's limits; a batch that is not full waits a moment for
   * documents still being uploaded, then takes those too.
   */
  async #claimBatch(): Promise<IngestionClaim[]> {
    const { documents } = this.#options;
    const { maxDocuments, maxTokens, waitMs } = this.#settings.batch;
    const claims = await documents.claimBatch(this.owner, this.#leaseUntil(), {
      maxDocuments,
      maxTokens,
    });
    if (claims.length === 0 || claims.length >= maxDocuments || waitMs <= 0) {
      return claims;
    }
    await new Promise(resolve => setTimeout(resolve, waitMs));
    const more = await documents.claimBatch(this.owner, this.#leaseUntil(), {
      maxDocuments: maxDocuments - claims.length,
      maxTokens,
      tenantId: claims[0].tenantId,
    });
    return [...claims, ...more];
  }

  async #failExhausted() {
    const { documents, logger } = this.#options;
    const { maxAttempts } = this.#settings;
    const reason = `Ingestion was interrupted ${maxAttempts} times (the replica working on it stopped each time); reindex to try again`;
    for (const doc of await documents.failExhausted(maxAttempts, reason)) {
      logger.warn(`Document ${doc.id} of tenant ${doc.tenantId}: ${reason}`);
      this.#options.observer?.failed('interrupted');
      await this.#audit(doc.tenantId, doc.id, new Error(reason));
    }
  }

  #leaseUntil() {
    return new Date(Date.now() + this.#settings.leaseMs);
  }

  async #process(claims: IngestionClaim[], signal: AbortSignal): Promise<void> {
    const { documents, logger } = this.#options;
    // Renewed well before they expire. A renewal that finds a claim gone
    // (deleted, reindexed, taken over) leaves that document's work to be
    // dropped when it is stored; when every claim is gone the work stops.
    const lost = new Set<string>();
    const allLost = new AbortController();
    const work = AbortSignal.any([signal, allLost.signal]);
    const renewal = setInterval(() => {
      for (const { tenantId, id } of claims) {
        if (lost.has(id)) continue;
        documents
          .renewClaim(tenantId, id, this.owner, this.#leaseUntil())
          .then(held => {
            if (held) return;
            lost.add(id);
            if (lost.size === claims.length) {
              allLost.abort(new ClaimLostError(`Claims on ${id} lost`));
            }
          })
          .catch(error =>
            logger.warn(`Could not renew the lease on ${id}`, toError(error)),
          );
      }
    }, Math.max(50, Math.floor(this.#settings.leaseMs / 3)));
    const started = Date.now();
    const results = new Map<string, number | Error>();
    try {
      const prepared: PreparedDocument[] = [];
      for (const claim of claims) {
        try {
          prepared.push(await this.#prepare(claim, work));
        } catch (error) {
          if (work.aborted) throw error;
          results.set(claim.id, toError(error));
        }
      }
      const written = await this.#writer.write(prepared, this.owner, work);
      for (const [id, result] of written) results.set(id, result);
    } catch (error) {
      // The batch stopped as a whole: shutdown, every claim lost, or the
      // database failing. What is not settled yet ends with that error.
      for (const { id } of claims) {
        if (!results.has(id)) results.set(id, toError(error));
      }
    } finally {
      clearInterval(renewal);
    }
    for (const claim of claims) {
      await this.#finish(claim, results.get(claim.id)!, {
        lost: lost.has(claim.id) || allLost.signal.aborted,
        shutdown: signal.aborted,
        ms: Date.now() - started,
        batch: claims.length,
      });
    }
  }

  /** A document's ingestion ended: logged, audited, given back or failed. */
  async #finish(
    claim: IngestionClaim,
    result: number | Error,
    how: { lost: boolean; shutdown: boolean; ms: number; batch: number },
  ): Promise<void> {
    const { documents, logger } = this.#options;
    const { tenantId, id } = claim;
    if (typeof result === 'number') {
      this.#options.onChunksIndexed?.(tenantId, result);
      logger.info(
        `Ingested document ${id} of tenant ${tenantId}: ${result} chunks in ${
          how.ms
        } ms (attempt ${claim.attempts}${
          how.batch > 1 ? `, with ${how.batch - 1} more documents` : ''
        })`,
      );
      await this.#audit(tenantId, id, undefined, { chunkCount: result });
      return;
    }
    if (how.lost || result instanceof ClaimLostError) {
      logger.info(
        `Ingestion of document ${id} dropped: it was deleted, reindexed or taken over`,
      );
      return;
    }
    if (how.shutdown) {
      // Shutdown: give the document back so another replica takes it now.
      await documents.releaseClaim(tenantId, id, this.owner);
      logger.info(`Released document ${id} for another replica`);
      return;
    }
    logger.warn(`Ingestion of document ${id} failed: ${result.message}`);
    if (await documents.failClaim(tenantId, id, this.owner, result.message)) {
      this.#options.observer?.failed(failureReason(result));
      await this.#audit(tenantId, id, result);
    }
  }

  /** One `document-ingestion` audit event per document that ends. */
  async #audit(
    tenantId: string,
    documentId: string,
    error?: unknown,
    result: { chunkCount?: number } = {},
  ) {
    const { auditor, logger } = this.#options;
    if (!auditor) return;
    try {
      const event = await auditor.createEvent({
        eventId: 'document-ingestion',
        severityLevel: error ? 'medium' : 'low',
        meta: { tenantId, documentId, replica: this.owner },
      });
      if (error) {
        await event.fail({
          error: toError(error),
        });
      } else {
        await event.success({ meta: result });
      }
    } catch (auditError) {
      logger.error(`Could not write an audit event: ${auditError}`);
    }
  }

  /** Parses in the parser pool, timed per format for the metrics. */
  async #parse(
    content: Buffer,
    request: Parameters<DocumentParser['parse']>[1],
    signal: AbortSignal,
  ) {
    const { parser, observer } = this.#options;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    // Type and name were checked at upload.
    const { format } = resolveFormat(request.contentType, request.fileName);
    try {
      const chunks = await parser.parse(content, request, signal);
      observer?.parsed(format, seconds(), true);
      return chunks;
    } catch (error) {
      if (!signal.aborted) observer?.parsed(format, seconds(), false);
      throw error;
    }
  }

  /**
   * A claimed document read, parsed and chunked (in the parser pool), with
   * the text the model embeds for each chunk. Redoing chunks an older
   * parser, embedding text or another model made is maintenance the
   * operator caused: metered, never invoiced to the tenant.
   */
  async #prepare(
    claim: IngestionClaim,
    signal: AbortSignal,
  ): Promise<PreparedDocument> {
    const { documents, embeddings, chunking } = this.#options;
    const { tenantId, id } = claim;
    const { content, contentType, fileName, title, ingestedWith, sourceId } =
      await documents.getContent(tenantId, id);
    const maintenance =
      ingestedWith !== undefined &&
      (ingestedWith.embeddingModel !== embeddings.model ||
        ingestedWith.parserVersion < PARSER_VERSION ||
        ingestedWith.embeddingTextVersion < EMBEDDING_TEXT_VERSION);
    const chunks = await this.#parse(
      content,
      { contentType, fileName, chunking },
      signal,
    );
    signal.throwIfAborted();
    return {
      tenantId,
      id,
      chunks,
      embedTexts: chunks.map(c => embeddingText(title, c.headingPath, c.text)),
      billable: !maintenance,
      // A source's pages are billed like uploads, marked on the ledger.
      sourceId,
    };
  }
}
