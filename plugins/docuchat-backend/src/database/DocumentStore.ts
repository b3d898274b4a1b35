import {
  ChunkBlock,
  DocumentSummary,
} from '@docuchat/backstage-plugin-docuchat-common';
import { Knex } from 'knex';

/** A new upload, before ingestion. */
export interface NewDocument {
  tenantId: string;
  title: string;
  fileName?: string;
  contentType: string;
  contentHash: string;
  content: Buffer;
}

/** A chunk as stored (vectors and full text live in their own indexes). */
export interface StoredChunk {
  id: string;
  tenantId: string;
  documentId: string;
  ordinal: number;
  text: string;
  headingPath: string[];
  charStart: number;
  charEnd: number;
  tokenCount: number;
  embeddingModel: string;
  embeddingDimensions: number;
  /** Absent for chunks stored by parser version 1. */
  blocks?: ChunkBlock[];
}

/** What a ready document's chunks were made with. */
export interface IngestedWith {
  embeddingModel: string;
  parserVersion: number;
  /** What the embedder read per chunk (src/embeddings/embeddingText.ts). */
  embeddingTextVersion: number;
}

/** Ready documents embedded from an older text, for the re-embed's estimate. */
export interface EmbeddedBefore {
  tenantId: string;
  id: string;
  title: string;
  chunkCount: number;
  /** Tokens of the chunks' texts. */
  tokenCount: number;
}

/** A chunk with its document's title, for search results and citations. */
export interface ChunkWithDocument extends StoredChunk {
  documentTitle: string;
  /** The portal page of a source's document. */
  sourceUrl?: string;
}

/**
 * The replica's claim on a document it was ingesting is gone: the document
 * was deleted or reindexed, or its lease expired and another replica took
 * it. The work is dropped; whoever holds the document now finishes it.
 */
export class ClaimLostError extends Error {
  name = 'ClaimLostError';
}

/** A document a replica claimed for ingestion. */
/** How much one claim takes at most. */
export interface ClaimLimits {
  /** Documents (at least one is claimed when there is any). */
  maxDocuments: number;
  /** Tokens, estimated from the documents' sizes (4 bytes a token). */
  maxTokens: number;
  /** Only this tenant's documents. */
  tenantId?: string;
}

export interface IngestionClaim {
  tenantId: string;
  id: string;
  /** Claims of this document since its upload or reindex, this one included. */
  attempts: number;
}

/** Documents and chunks; every method is scoped by tenant. */
export interface DocumentStore {
  /** Inserts a queued document, or returns the tenant's one with the same hash. */
  createOrFind(
    doc: NewDocument,
  ): Promise<{ document: DocumentSummary; created: boolean }>;
  list(tenantId: string): Promise<DocumentSummary[]>;
  /**
   * A string that changes whenever the tenant's documents change (added,
   * deleted, re-ingested): answers cached under another revision are stale.
   */
  revision(tenantId: string): Promise<string>;
  get(tenantId: string, id: string): Promise<DocumentSummary | undefined>;
  /** The upload, and what its current chunks (if any) were made with. */
  getContent(
    tenantId: string,
    id: string,
  ): Promise<{
    content: Buffer;
    contentType: string;
    fileName?: string;
    title: string;
    ingestedWith?: IngestedWith;
    /** The source that made the document, if one did. */
    sourceId?: string;
  }>;
  /**
   * Claims documents that are queued, or processing under a lease that
   * expired (their replica died), for `owner` until `leaseUntil`: the
   * oldest, with as many more of its tenant (or of `limits.tenantId`) as
   * fit `limits`, oldest first. Of replicas claiming at once exactly one
   * gets each document. Empty when there is nothing to claim.
   */
  claimBatch(
    owner: string,
    leaseUntil: Date,
    limits: ClaimLimits,
  ): Promise<IngestionClaim[]>;
  /**
   * Fails the documents whose lease expired after `maxAttempts` claims (they
   * stopped their worker every time), with `reason`; returns them.
   */
  failExhausted(
    maxAttempts: number,
    reason: string,
  ): Promise<Array<{ tenantId: string; id: string }>>;
  /** Extends `owner`'s lease; false when the claim is gone (deleted, reindexed, taken over). */
  renewClaim(
    tenantId: string,
    id: string,
    owner: string,
    leaseUntil: Date,
  ): Promise<boolean>;
  /** Gives a claim back unfinished (shutdown): queued at once, the attempt not counted. */
  releaseClaim(tenantId: string, id: string, owner: string): Promise<boolean>;
  /** Marks `owner`'s claimed document failed; false when the claim is gone. */
  failClaim(
    tenantId: string,
    id: string,
    owner: string,
    error: string,
  ): Promise<boolean>;
  /**
   * Queues a document in any state for ingestion from scratch (attempts
   * reset); a running ingestion loses its claim. False when absent.
   */
  requeue(tenantId: string, id: string): Promise<boolean>;
  /**
   * Ready documents whose chunks were made otherwise than `current`: with
   * another embedding model, or by an older parser version.
   */
  listStale(
    current: Omit<IngestedWith, 'embeddingTextVersion'>,
  ): Promise<Array<{ tenantId: string; id: string }>>;
  /** Ready documents whose chunks were embedded from an older text version. */
  listEmbeddedBefore(embeddingTextVersion: number): Promise<EmbeddedBefore[]>;
  /**
   * `replaceChunks` of several documents of one tenant with few statements
   * (a batch of small documents ingested together). Documents that are gone
   * or, with `claimedBy`, no longer claimed by it are left alone and
   * returned in `lost` with their error (NotFoundError, ClaimLostError);
   * `stored` lists the others.
   */
  replaceChunksOfDocuments(
    trx: Knex.Transaction,
    tenantId: string,
    documents: Array<{ documentId: string; chunks: StoredChunk[] }>,
    madeWith: Pick<IngestedWith, 'parserVersion' | 'embeddingTextVersion'>,
    claimedBy?: string,
  ): Promise<{ stored: string[]; lost: Map<string, Error> }>;
  /**
   * Replaces the document's chunks and marks it ready, in `trx`, recording
   * the parser and embedding text versions that made them. With `claimedBy`, throws
   * ClaimLostError unless that owner still holds the claim, so work whose
   * claim was taken over or reset is never stored.
   */
  replaceChunks(
    trx: Knex.Transaction,
    tenantId: string,
    documentId: string,
    chunks: StoredChunk[],
    madeWith: Pick<IngestedWith, 'parserVersion' | 'embeddingTextVersion'>,
    claimedBy?: string,
  ): Promise<void>;
  /** Deletes the document and its chunks in `trx`; false when absent. */
  delete(trx: Knex.Transaction, tenantId: string, id: string): Promise<boolean>;
  /** The tenant's chunks with these ids (others are silently absent). */
  getChunks(tenantId: string, ids: string[]): Promise<ChunkWithDocument[]>;
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
}
