/**
 * The shapes that flow through ingestion: every parser produces a
 * `ParsedDocument`, the chunker turns it into `Chunk`s. Offsets are JavaScript
 * string indices (UTF-16 code units) into `ParsedDocument.text`, so
 * `text.slice(start, end)` is how a citation finds its passage again.
 */

/** The structural role of a block; what the chunker keeps together. */
export type BlockKind = 'heading' | 'paragraph' | 'list' | 'code' | 'table';

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
  /** Full plain text: the blocks' texts joined by blank lines. */
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
}
