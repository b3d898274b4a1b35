import { InputError } from '@backstage/errors';
import { DocumentLimitError, formatCount } from './parseLimits';
import { splitSections } from './sections';
import { Unit, blockUnits } from './splitBlock';
import {
  codePointBoundary,
  lineStarts,
  nextWordStart,
  sentenceStarts,
  skipSpace,
} from './textBoundaries';
import { countTokens } from './tokens';
import { Block, Chunk, ChunkBlock, ParsedDocument } from './types';

export interface ChunkOptions {
  /** Upper bound on every chunk's o200k token count. Default 400. */
  maxTokens?: number;
  /** Tokens of the previous chunk repeated at the start of the next one. Default 60. */
  overlapTokens?: number;
  /** More chunks fail the document (DocumentLimitError). Default: no limit. */
  maxChunks?: number;
}

// What joining two units (a blank line, a space) is assumed to cost while
// packing; every chunk is then counted exactly, so this only guides packing.
const JOIN_TOKENS = 1;

/**
 * Splits a parsed document into passages for embedding and citation.
 *
 * Guarantees (tested in chunkDocument.test.ts):
 * - `chunk.text === parsed.text.slice(chunk.start, chunk.end)`: a chunk is
 *   one contiguous span of the document, so a citation is its offsets.
 * - `chunk.tokenCount === countTokens(chunk.text) <= maxTokens` (o200k).
 * - A chunk lies within one section: blocks under different headings are
 *   never mixed, and `headingPath` is the section's heading and ancestors.
 * - A block that fits in `maxTokens` (a list, a table, a code block) lies
 *   whole inside one chunk; larger ones are cut at line, sentence, word and
 *   only then arbitrary boundaries.
 * - Every block's text is covered by some chunk; chunks are in document
 *   order (`start` never decreases).
 * - Consecutive chunks of one section overlap by at most `overlapTokens`
 *   tokens, starting at a sentence or word boundary; the overlap shrinks or
 *   disappears when the next unit would not fit beside it.
 */
export function chunkDocument(
  parsed: ParsedDocument,
  options: ChunkOptions = {},
): Chunk[] {
  const maxTokens = options.maxTokens ?? 400;
  const overlapTokens = options.overlapTokens ?? 60;
  // Below 8 tokens a single character (up to 4 byte-level tokens) plus a
  // join might not fit, and nothing useful can be retrieved anyway.
  if (!Number.isInteger(maxTokens) || maxTokens < 8) {
    throw new InputError(`maxTokens must be an integer >= 8, got ${maxTokens}`);
  }
  if (
    !Number.isInteger(overlapTokens) ||
    overlapTokens < 0 ||
    overlapTokens >= maxTokens
  ) {
    throw new InputError(
      `overlapTokens must be an integer in [0, maxTokens), got ${overlapTokens}`,
    );
  }

  const maxChunks = options.maxChunks ?? Infinity;
  const tooMany = () =>
    new DocumentLimitError(
      'chunks',
      `The document would make more than ${formatCount(
        maxChunks,
      )} chunks (of at most ${maxTokens} tokens), the limit per document`,
    );
  const chunks: Chunk[] = [];
  // Every chunk holds at most maxTokens tokens, so more tokens than
  // maxChunks × maxTokens cannot fit: counted block by block, a huge
  // document stops after about that much tokenizing, not after all of it.
  let tokens = 0;
  for (const section of splitSections(parsed.blocks)) {
    const units: Unit[] = [];
    for (const block of section.blocks) {
      for (const unit of blockUnits(parsed.text, block, maxTokens)) {
        units.push(unit);
        tokens += unit.tokens;
      }
      if (tokens > maxChunks * maxTokens) throw tooMany();
    }
    packSection(parsed.text, units, section, chunks, {
      maxTokens,
      overlapTokens,
    });
    if (chunks.length > maxChunks) throw tooMany();
  }
  return chunks;
}

/**
 * Greedily packs a section's units into chunks, each optionally starting with
 * an overlap into the previous chunk, then counts each chunk exactly and
 * gives units back until it fits (joins can tokenise differently from the
 * estimate).
 */
function packSection(
  text: string,
  units: Unit[],
  { headingPath, blocks }: { headingPath: string[]; blocks: Block[] },
  out: Chunk[],
  { maxTokens, overlapTokens }: { maxTokens: number; overlapTokens: number },
): void {
  let previous: Chunk | undefined;
  let next = 0;
  while (next < units.length) {
    const first = next;
    let overlap = previous
      ? overlapBefore(
          text,
          previous,
          Math.min(
            overlapTokens,
            maxTokens - units[first].tokens - JOIN_TOKENS,
          ),
        )
      : undefined;
    let estimate =
      units[first].tokens + (overlap ? overlap.tokens + JOIN_TOKENS : 0);
    let last = first;
    while (
      last + 1 < units.length &&
      estimate + JOIN_TOKENS + units[last + 1].tokens <= maxTokens
    ) {
      last += 1;
      estimate += JOIN_TOKENS + units[last].tokens;
    }

    let start = overlap?.start ?? units[first].start;
    let end = units[last].end;
    // A lone unit was counted exactly when it was made.
    let tokenCount =
      first === last && !overlap
        ? units[first].tokens
        : countTokens(text.slice(start, end));
    while (tokenCount > maxTokens && (last > first || overlap)) {
      if (last > first) {
        last -= 1;
      } else {
        overlap = undefined;
      }
      start = overlap?.start ?? units[first].start;
      end = units[last].end;
      tokenCount = countTokens(text.slice(start, end));
    }

    const chunk: Chunk = {
      ordinal: out.length,
      text: text.slice(start, end),
      headingPath: [...headingPath],
      start,
      end,
      tokenCount,
      blocks: blocksWithin(blocks, start, end),
    };
    out.push(chunk);
    previous = chunk;
    next = last + 1;
  }
}

/** The parts of `blocks` inside [start, end), relative to `start`. */
function blocksWithin(blocks: Block[], start: number, end: number) {
  return blocks
    .filter(block => block.end > start && block.start < end)
    .map(block => {
      const part: ChunkBlock = {
        kind: block.kind,
        start: Math.max(block.start, start) - start,
        end: Math.min(block.end, end) - start,
      };
      if (block.start < start || block.end > end) part.partial = true;
      return part;
    });
}

/**
 * Where the next chunk starts inside `previous` so that the shared text has
 * at most `budget` tokens: estimated from the previous chunk's characters per
 * token, moved forward to a sentence start (or else a word start), then
 * counted and moved forward until it fits. Never the whole previous chunk,
 * and never mid-word (text without spaces, e.g. CJK, overlaps only from a
 * sentence boundary).
 */
function overlapBefore(
  text: string,
  previous: Chunk,
  budget: number,
): { start: number; tokens: number } | undefined {
  if (budget <= 0) {
    return undefined;
  }
  const { start: lower, end } = previous;
  const charsPerToken = (end - lower) / Math.max(1, previous.tokenCount);
  let length = Math.floor(budget * charsPerToken);
  for (let attempt = 0; attempt < 8; attempt++) {
    const start = niceStart(text, Math.max(lower + 1, end - length), end);
    if (start === undefined) {
      return undefined;
    }
    const tokens = countTokens(text.slice(start, end));
    if (tokens <= budget) {
      return { start, tokens };
    }
    length = Math.floor(((end - start) * budget) / tokens) - 1 - attempt;
  }
  return undefined;
}

/** The first sentence, line or word start at or after `at`, before `end`. */
function niceStart(text: string, at: number, end: number): number | undefined {
  // Not between the halves of a surrogate pair.
  const from = codePointBoundary(text, at) === at ? at : at + 1;
  // A sentence start is best, if it keeps at least half the window.
  const half = from + Math.floor((end - from) / 2);
  const boundary = [
    ...sentenceStarts(text, from - 1, end),
    ...lineStarts(text, from - 1, end),
  ]
    .filter(b => b >= from && b <= half)
    .sort((a, b) => a - b)[0];
  if (boundary !== undefined) {
    const start = skipSpace(text, boundary, end);
    return start < end ? start : undefined;
  }
  const word = nextWordStart(text, from, end);
  return word >= 0 ? word : undefined;
}
