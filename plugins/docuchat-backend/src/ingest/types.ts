import { ChunkBlock as SearchHitBlock } from '@docuchat/backstage-plugin-docuchat-common';

/**
 * The shapes that flow through ingestion: every parser produces a
 * `ParsedDocument`, the chunker turns it into `Chunk`s. Offsets are JavaScript
 * string indices (UTF-16 code units) into `ParsedDocument.text`, so
 * `text.slice(start, end)` is how a citation finds its passage again.
 */

/**
 * The structural role of a block, as a reader sees it: a heading, a
 * paragraph of prose (soft line breaks already spaces), one list item (with
 * its marker, nested items indented), one table row (cells joined by
 * ` | `), or a code block (verbatim).
 */
export type BlockKind =
  | 'heading'
  | 'paragraph'
  | 'list-item'
  | 'table-row'
  | 'code';

/** One structural unit of a document. `text === doc.text.slice(start, end)`. */
export interface Block {
  kind: BlockKind;
  text: string;
  /** 1–6, headings only. */
  level?: number;
  start: number;
  end: number;
}

/** The format-independent result of parsing. */
export interface ParsedDocument {
  /**
   * Full plain text: the blocks' texts joined by blank lines, except that
   * the items of one list and the rows of one table are joined by single
   * line breaks.
   */
  text: string;
  blocks: Block[];
}

/** A passage of a document: the unit of embedding, retrieval and citation. */
export interface Chunk {
  /** 0-based position in the document. */
  ordinal: number;
  /** Exactly `parsed.text.slice(start, end)`. */
  text: string;
  /** The chunk's heading and all its ancestors, outermost first. */
  headingPath: string[];
  start: number;
  end: number;
  /** o200k tokens of `text`. */
  tokenCount: number;
  /** The blocks the chunk holds, with offsets into `text`. */
  blocks: ChunkBlock[];
}

/**
 * A block's part inside a chunk: offsets into the chunk's text. `partial`
 * when the chunk holds only part of the block (a long block cut between
 * sentences or lines, or the overlap that repeats the previous chunk's end).
 * The same shape search hits carry.
 */
export type ChunkBlock = SearchHitBlock & { kind: BlockKind };
