import { chunkDocument } from './chunkDocument';
import { parseDocument } from './parseDocument';
import { ParseLimits } from './parseLimits';
import { Chunk } from './types';

/** What a parser worker is asked to do with one document. */
export interface ParseRequest {
  contentType?: string;
  fileName?: string;
  /** Without it the document is only parsed (a readability check): no chunks. */
  chunking?: { maxTokens: number; overlapTokens: number };
  limits: ParseLimits;
}

/**
 * Upload bytes → chunks: the CPU-heavy half of ingestion, run in a parser
 * worker (see ParserPool) and, for comparison, in process by bench:parse.
 */
export async function parseAndChunk(
  bytes: Uint8Array,
  request: ParseRequest,
): Promise<Chunk[]> {
  const parsed = await parseDocument(bytes, {
    contentType: request.contentType,
    fileName: request.fileName,
    limits: request.limits,
  });
  if (!request.chunking) return [];
  return chunkDocument(parsed, {
    ...request.chunking,
    maxChunks: request.limits.maxChunks,
  });
}
