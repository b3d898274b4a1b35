/**
 * Where text may be cut. Boundaries are offsets at which a new piece starts;
 * all are JavaScript string indices into the same string.
 */

// A sentence ends with terminal punctuation, optionally closing quotes or
// brackets, then whitespace: Latin . ! ? …, Persian/Arabic ؟ and ۔. CJK
// full stops (。！？) need no whitespace after them. Abbreviations ("e.g. x")
// also match: a cut there only costs a slightly worse piece, never text.
const SENTENCE_END =
  /[.!?\u061f\u06d4\u2026]+["'\u2019\u201d\u00bb)\]]*\s+|[\u3002\uff01\uff1f]+[\u300d\u300f\uff09]*\s*/g;

/** Offsets in (start, end) where a sentence starts. */
export function sentenceStarts(
  text: string,
  start: number,
  end: number,
): number[] {
  return matchEnds(SENTENCE_END, text, start, end);
}

/** Offsets in (start, end) where a line starts. */
export function lineStarts(text: string, start: number, end: number): number[] {
  return matchEnds(/\n+/g, text, start, end);
}

function matchEnds(
  pattern: RegExp,
  text: string,
  start: number,
  end: number,
): number[] {
  const slice = text.slice(start, end);
  const re = new RegExp(pattern.source, 'g');
  const out: number[] = [];
  for (let m = re.exec(slice); m; m = re.exec(slice)) {
    const at = start + m.index + m[0].length;
    if (at > start && at < end) {
      out.push(at);
    }
  }
  return out;
}

const isSpace = (ch: string) => /\s/.test(ch);

/** Moves `start` forward past whitespace (not past `end`). */
export function skipSpace(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && isSpace(text[i])) {
    i++;
  }
  return i;
}

/** Moves `end` back past whitespace (not before `start`). */
export function trimEnd(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && isSpace(text[i - 1])) {
    i--;
  }
  return i;
}

/**
 * The last whitespace offset in [from, to), or -1; used to end a piece
 * between words. ZWNJ (U+200C, inside Persian words) is not whitespace.
 */
export function lastSpace(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) {
    if (isSpace(text[i])) {
      return i;
    }
  }
  return -1;
}

/** The first offset in [from, to) that starts a word, or -1. */
export function nextWordStart(text: string, from: number, to: number): number {
  for (let i = Math.max(from, 1); i < to; i++) {
    if (!isSpace(text[i]) && isSpace(text[i - 1])) {
      return i;
    }
  }
  return -1;
}

/** Never leave half of a surrogate pair (emoji, rare CJK) at a cut. */
export function codePointBoundary(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}
