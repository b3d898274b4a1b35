import { DocumentLimitError, formatCount } from './parseLimits';

/**
 * Linear scans of a text for what makes parsing it expensive, run before the
 * parser or tokenizer sees the text.
 */

/** Whether a UTF-16 code unit is whitespace as JavaScript's `\s` sees it. */
function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** The most characters in a row without whitespace. */
export function longestRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) {
      if (run > longest) longest = run;
      run = 0;
    } else {
      run++;
    }
  }
  return Math.max(longest, run);
}

/**
 * Fails a text with a run of more than `max` characters without a space or
 * line break: the tokenizer's cost grows with the square of a run's length
 * (o200k takes a run of letters as one piece).
 */
export function assertRunsWithin(text: string, max: number): void {
  const longest = longestRun(text);
  if (longest > max) {
    throw new DocumentLimitError(
      'run-length',
      `The document has ${formatCount(
        longest,
      )} characters in a row without a space or line break; the limit is ${formatCount(
        max,
      )}`,
    );
  }
}

// marked's setext-heading rule backtracks once per character of a block
// without a blank line and runs out of regular-expression stack at about
// 9 million characters (measured with marked 15); a tenth of that leaves a
// wide margin and is still a paragraph nobody writes.
const MAX_MARKDOWN_BLOCK_CHARACTERS = 1_000_000;

// Character codes the Markdown scan looks at.
const TAB = 9;
const CR = 13;
const SPACE = 32;
const PAREN = 41;
const STAR = 42;
const PLUS = 43;
const DASH = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const GREATER = 62;
const UNDERSCORE = 95;

/**
 * Bounds what marked would recurse on, before it sees the text (it recurses
 * once per level of block quotes, lists and emphasis, and nested lists cost
 * it the square of their depth):
 * - block nesting per line: `>` markers, list markers and indentation (two
 *   columns a level) before the line's content;
 * - emphasis nesting per paragraph: `*`/`_` runs that open minus those that
 *   close, as CommonMark's flanking rules tell them apart (a run of 20,000
 *   `*` is 10,000 levels, and exhausts marked's regular-expression stack);
 * - the length of a block without a blank line (see above).
 */
export function assertMarkdownWithin(
  text: string,
  maxNestingDepth: number,
): void {
  let deepest = 0;
  let lineStart = 0;
  let blockStart = 0;
  let emphasis = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const { depth, markers, contentStart } = blockNesting(
      text,
      lineStart,
      lineEnd,
    );
    if (contentStart === lineEnd && markers === 0) {
      // A blank line ends the paragraph: emphasis cannot span it.
      emphasis = 0;
      blockStart = lineEnd + 1;
    } else {
      const line = emphasisNesting(text, contentStart, lineEnd, emphasis);
      emphasis = line.open;
      deepest = Math.max(deepest, depth, line.deepest);
      if (lineEnd - blockStart > MAX_MARKDOWN_BLOCK_CHARACTERS) {
        throw new DocumentLimitError(
          'run-length',
          `The Markdown has more than ${formatCount(
            MAX_MARKDOWN_BLOCK_CHARACTERS,
          )} characters without a blank line, more than its parser can take; separate its paragraphs with blank lines`,
          { configurable: false },
        );
      }
    }
    if (deepest > maxNestingDepth) {
      throw new DocumentLimitError(
        'nesting-depth',
        `The Markdown nests block quotes, lists or emphasis more than ${formatCount(
          maxNestingDepth,
        )} levels deep`,
      );
    }
    lineStart = lineEnd + 1;
  }
}

/** Container markers and indentation before a line's content. */
function blockNesting(
  text: string,
  start: number,
  end: number,
): { depth: number; markers: number; contentStart: number } {
  let markers = 0;
  let columns = 0;
  let i = start;
  for (;;) {
    while (i < end) {
      const code = text.charCodeAt(i);
      if (code === SPACE) columns += 1;
      else if (code === TAB) columns += 4 - (columns % 4);
      else if (code !== CR) break;
      i++;
    }
    if (i >= end) break;
    const code = text.charCodeAt(i);
    const next = i + 1 < end ? text.charCodeAt(i + 1) : SPACE;
    const spaceAfter = next === SPACE || next === TAB;
    if (code === GREATER) {
      markers++;
      i++;
    } else if (
      (code === DASH || code === STAR || code === PLUS) &&
      spaceAfter
    ) {
      markers++;
      i++;
    } else if (code >= ZERO && code <= NINE) {
      let j = i;
      while (j < end && j - i < 9) {
        const digit = text.charCodeAt(j);
        if (digit < ZERO || digit > NINE) break;
        j++;
      }
      const marker = text.charCodeAt(j);
      const after = j + 1 < end ? text.charCodeAt(j + 1) : SPACE;
      if (
        (marker === DOT || marker === PAREN) &&
        (after === SPACE || after === TAB)
      ) {
        markers++;
        i = j + 1;
      } else {
        break;
      }
    } else {
      break;
    }
  }
  return {
    depth: markers + Math.floor(columns / 2),
    markers,
    contentStart: i,
  };
}

function isPunctuation(code: number): boolean {
  return (
    (code >= 33 && code <= 47) ||
    (code >= 58 && code <= 64) ||
    (code >= 91 && code <= 96) ||
    (code >= 123 && code <= 126)
  );
}

/**
 * Walks the `*` and `_` runs of one line, carrying the open emphasis count
 * of its paragraph: what is open at its end, and the deepest it got.
 */
function emphasisNesting(
  text: string,
  start: number,
  end: number,
  open: number,
): { open: number; deepest: number } {
  let depth = open;
  let deepest = open;
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code !== STAR && code !== UNDERSCORE) {
      i++;
      continue;
    }
    let j = i;
    while (j < end && text.charCodeAt(j) === code) j++;
    const before = i > start ? text.charCodeAt(i - 1) : SPACE;
    const after = j < end ? text.charCodeAt(j) : SPACE;
    const leftFlanking =
      !isSpace(after) &&
      (!isPunctuation(after) || isSpace(before) || isPunctuation(before));
    const rightFlanking =
      !isSpace(before) &&
      (!isPunctuation(before) || isSpace(after) || isPunctuation(after));
    // `**` opens one strong emphasis, `***` strong and plain: a run of n
    // delimiters nests up to n / 2 levels.
    const levels = Math.ceil((j - i) / 2);
    if (leftFlanking && !rightFlanking) {
      depth += levels;
      deepest = Math.max(deepest, depth);
    } else if (rightFlanking && !leftFlanking) {
      depth = Math.max(0, depth - levels);
    }
    i = j;
  }
  return { open: depth, deepest };
}
