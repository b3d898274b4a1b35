import { z } from 'zod';
import { DocumentOrigin } from './sources';

/** @public */
export type DocumentStatus = 'queued' | 'processing' | 'ready' | 'failed';

/** @public */
export interface DocumentSummary {
  id: string;
  tenantId: string;
  title: string;
  fileName?: string;
  contentType: string;
  sizeBytes: number;
  contentHash: string;
  status: DocumentStatus;
  /** Why ingestion failed, when status is `failed`. */
  error?: string;
  chunkCount: number;
  tokenCount: number;
  embeddingModel?: string;
  createdAt: string;
  updatedAt: string;
  /** Set when a source made the document: read only, cited by its URL. */
  origin?: DocumentOrigin;
}

/**
 * JSON body of `POST /tenants/:tenantId/documents` (the other form is a
 * multipart upload with a `file` field and an optional `title`).
 *
 * @public
 */
export const createTextDocumentRequestSchema = z
  .object({
    title: z.string().trim().min(1).max(255),
    text: z.string(),
    contentType: z
      .enum(['text/plain', 'text/markdown', 'text/html'])
      .optional(),
  })
  .strict();

/** @public */
export type CreateTextDocumentRequest = z.infer<
  typeof createTextDocumentRequestSchema
>;

/** @public */
export interface SearchHit {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  headingPath: string[];
  text: string;
  /** The portal page of a source's document (TechDocs page, entity). */
  sourceUrl?: string;
  /** Fused score (higher is better) and the branch ranks it came from. */
  score: number;
  vectorRank?: number;
  /** Cosine similarity of the query and the chunk, when the vector branch found it. */
  vectorScore?: number;
  fullTextRank?: number;
  /**
   * The blocks the chunk holds, with offsets into `text`; absent for chunks
   * stored before blocks were recorded.
   */
  blocks?: ChunkBlock[];
}

/**
 * One block of a chunk: a heading, a paragraph, one list item, one table
 * row or a code block; `partial` when the chunk holds only part of it.
 *
 * @public
 */
export interface ChunkBlock {
  kind: 'heading' | 'paragraph' | 'list-item' | 'table-row' | 'code';
  start: number;
  end: number;
  partial?: boolean;
}

/** @public */
export interface SearchResponse {
  query: string;
  k: number;
  hits: SearchHit[];
}

/**
 * Body of `GET /tenants/:tenantId/chunks/:chunkId`: the whole passage a
 * citation points at.
 *
 * @public
 */
export interface ChunkPassage {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  headingPath: string[];
  text: string;
  /** The portal page of a source's document (TechDocs page, entity). */
  sourceUrl?: string;
}
