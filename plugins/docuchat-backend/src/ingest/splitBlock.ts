import { countTokens } from './tokens';
import {
  codePointBoundary,
  lastSpace,
  lineStarts,
  sentenceStarts,
  skipSpace,
  trimEnd,
} from './textBoundaries';
import { Block, BlockKind } from './types';

/** A span of the document text that the packer treats as indivisible. */
export interface Unit {
  start: number;
  end: number;
  tokens: number;
}

type Boundaries = (text: string, start: number, end: number) => number[];

// Where each kind of block prefers to break, best first; the last resort
// (between words, then anywhere) follows. Code breaks between lines; prose,
// list items and table rows between sentences.
const BREAKS: Record<BlockKind, Boundaries[]> = {
  code: [lineStarts],
  'table-row': [sentenceStarts],
  'list-item': [sentenceStarts, lineStarts],
  paragraph: [sentenceStarts, lineStarts],
  heading: [sentenceStarts],
};

/**
 * Turns a block into units of at most `maxTokens` tokens: the whole block
 * when it fits (so a list, table or code block that fits is never cut),
 * otherwise pieces cut at the kind's preferred boundaries, recursively, and
 * only as a last resort by token count.
 */
export function blockUnits(
  text: string,
  block: Block,
  maxTokens: number,
): Unit[] {
  return splitSpan(text, block.start, block.end, BREAKS[block.kind], maxTokens);
}

function splitSpan(
  text: string,
  start: number,
  end: number,
  levels: Boundaries[],
  maxTokens: number,
): Unit[] {
  const tokens = countTokens(text.slice(start, end));
  if (tokens <= maxTokens) {
    return [{ start, end, tokens }];
  }
  if (levels.length === 0) {
    return cutByTokens(text, start, end, tokens, maxTokens);
  }
  const [boundaries, ...finer] = levels;
  const cuts = boundaries(text, start, end);
  if (cuts.length === 0) {
    return splitSpan(text, start, end, finer, maxTokens);
  }
  const units: Unit[] = [];
  const edges = [start, ...cuts, end];
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = skipSpace(text, edges[i], edges[i + 1]);
    const to = trimEnd(text, from, edges[i + 1]);
    if (to > from) {
      // Not push(...units): a long run cut by tokens can make more pieces
      // than a call may take arguments.
      for (const unit of splitSpan(text, from, to, finer, maxTokens)) {
        units.push(unit);
      }
    }
  }
  return units;
}

/**
 * The last resort for a run with no usable boundary (a very long sentence,
 * a base64 blob, a long line of code): consecutive pieces of at most
 * `maxTokens`, ending between words when there is a space in the second
 * half of the piece. Each piece's length is estimated from the run's
 * characters-per-token and corrected by counting, so the bound is exact.
 */
function cutByTokens(
  text: string,
  start: number,
  end: number,
  totalTokens: number,
  maxTokens: number,
): Unit[] {
  const units: Unit[] = [];
  let charsPerToken = (end - start) / totalTokens;
  let from = start;
  while (from < end) {
    const rest = countTokensIfSmall(text, from, end, maxTokens);
    if (rest !== undefined) {
      units.push({ start: from, end, tokens: rest });
      break;
    }
    let length = Math.max(1, Math.floor(maxTokens * charsPerToken * 0.95));
    let piece: Unit | undefined;
    for (let attempt = 0; !piece; attempt++) {
      const to = pieceEnd(text, from, Math.min(end, from + length));
      const tokens = countTokens(text.slice(from, to));
      if (tokens <= maxTokens) {
        piece = { start: from, end: to, tokens };
      } else {
        // Shrink in proportion to the overshoot, a little more each time.
        length = Math.max(
          1,
          Math.floor(((to - from) * maxTokens) / tokens) - attempt,
        );
      }
    }
    units.push(piece);
    charsPerToken = Math.max(1, (piece.end - piece.start) / piece.tokens);
    from = skipSpace(text, piece.end, end);
  }
  return units;
}

/** `to`, moved back to a word boundary when one is near, trimmed. */
function pieceEnd(text: string, from: number, to: number): number {
  let end = codePointBoundary(text, to);
  if (end < text.length && !/\s/.test(text[end])) {
    const space = lastSpace(text, from + Math.floor((end - from) / 2), end);
    if (space > from) {
      end = space;
    }
  }
  const trimmed = trimEnd(text, from, end);
  if (trimmed > from) {
    return trimmed;
  }
  // At least one whole code point, so every step makes progress.
  const code = text.charCodeAt(from);
  return from + (code >= 0xd800 && code <= 0xdbff ? 2 : 1);
}

/**
 * The token count of [from, end) when that is at most `maxTokens`. Counting
 * the whole rest at every step would be quadratic on a long run, so a rest
 * longer than 64 characters per allowed token is not counted: it cannot fit
 * unless its tokens are unusually long, and then it is merely cut once more.
 */
function countTokensIfSmall(
  text: string,
  from: number,
  end: number,
  maxTokens: number,
): number | undefined {
  if (end - from > maxTokens * 64) {
    return undefined;
  }
  const tokens = countTokens(text.slice(from, end));
  return tokens <= maxTokens ? tokens : undefined;
}
