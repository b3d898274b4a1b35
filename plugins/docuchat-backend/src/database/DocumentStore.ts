import {
  DocumentStatus,
  DocumentSummary,
} from '@internal/backstage-plugin-docuchat-common';
import { Knex } from 'knex';
import { ChunkBlock } from '../ingest/types';

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
}

/** A chunk with its document's title, for search results and citations. */
export interface ChunkWithDocument extends StoredChunk {
  documentTitle: string;
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
    ingestedWith?: IngestedWith;
  }>;
  /** Moves a document to `status` only if it is in one of `from`. */
  transition(
    tenantId: string,
    id: string,
    from: DocumentStatus[],
    to: DocumentStatus,
    error?: string,
  ): Promise<boolean>;
  /** Ids of documents waiting for ingestion, oldest first. */
  listQueued(): Promise<Array<{ tenantId: string; id: string }>>;
  /**
   * Ready documents whose chunks were made otherwise than `current`: with
   * another embedding model, or by an older parser version.
   */
  listStale(
    current: IngestedWith,
  ): Promise<Array<{ tenantId: string; id: string }>>;
  /**
   * Replaces the document's chunks and marks it ready, in `trx`, recording
   * the parser version that made them.
   */
  replaceChunks(
    trx: Knex.Transaction,
    tenantId: string,
    documentId: string,
    chunks: StoredChunk[],
    parserVersion: number,
  ): Promise<void>;
  /** Deletes the document and its chunks in `trx`; false when absent. */
  delete(trx: Knex.Transaction, tenantId: string, id: string): Promise<boolean>;
  /** The tenant's chunks with these ids (others are silently absent). */
  getChunks(tenantId: string, ids: string[]): Promise<ChunkWithDocument[]>;
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
}
