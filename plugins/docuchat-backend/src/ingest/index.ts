/**
 * Ingestion: uploaded bytes → `ParsedDocument` (text + structural blocks) →
 * `Chunk`s bounded in o200k tokens, with heading paths and offsets for
 * citations.
 */
export { parseDocument } from './parseDocument';
export type { ParseDocumentOptions } from './parseDocument';
export { chunkDocument } from './chunkDocument';
export type { ChunkOptions } from './chunkDocument';
export { UnreadableDocumentError, UnsupportedMediaTypeError } from './errors';
export type { UnreadableReason } from './errors';
export { SUPPORTED_MEDIA_TYPES } from './mediaTypes';
export { countTokens } from './tokens';
export { PARSER_VERSION } from './parserVersion';
export type {
  Block,
  BlockKind,
  Chunk,
  ChunkBlock,
  ParsedDocument,
} from './types';
