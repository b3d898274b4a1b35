import { Block } from '../../src/ingest/types';

/**
 * How `yarn eval:answers` judges an answer, independently of any answerer's
 * own sentence splitter:
 *
 * - key fact: the answer's text contains one of the question's accepted
 *   variants (case, whitespace, back-quotes, zero-width non-joiners and
 *   Persian digits folded);
 * - fragment: a quoted piece of the answer (a delta that ends with its
 *   `[n]` citation, before or after the closing punctuation; markers and
 *   list bullets removed; a `[n] title` line that lists a passage is not a
 *   quote) that is not a whole
 *   sentence, whole list item or whole code line of its cited source, or is
 *   a heading or table row alone. "Whole" is decided on the source
 *   document's parsed blocks with whitespace collapsed: the piece starts
 *   where a block or a sentence starts and ends where the block ends or
 *   with the sentence's closing punctuation; and the cited passage holds it.
 *   A caption (an image's alt text, a `<sub>`) and a list item quoted
 *   without the sentence that leads into its list are fragments too;
 * - on topic, language and abstention: `isOnTopic`, `languageOf`, and
 *   `holdsFact` with the unanswerable questions' phrases.
 */

/** A document's blocks as the judge reads them. */
export interface JudgeSegment {
  kind: 'heading' | 'prose' | 'row' | 'code';
  text: string;
  /**
   * A list item's lead-in: the last sentence of the paragraph ending with
   * `:` that its list directly follows (folded).
   */
  leadIn?: string;
}

export interface JudgedSource {
  n: number;
  /** The cited passage (chunk) text. */
  text: string;
  /** Its document's segments (see `documentSegments`). */
  segments: JudgeSegment[];
  /** Its document's captions (see `documentCaptions`). */
  captions?: string[];
}

export interface PieceVerdict {
  piece: string;
  whole: boolean;
  reason?:
    | 'heading'
    | 'table row'
    | 'caption'
    | 'item without its lead-in'
    | 'not whole'
    | 'unknown source';
}

const SENTENCE_END = /[.!?؟۔…]["'»”’)\]]*$/u;
const LIST_MARKER = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/;

/** Case, whitespace, back-quotes, ZWNJ and Persian digits folded. */
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u06F0-\u06F9]/g, d => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, d => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u064A\u0649]/g, '\u06CC')
    .replace(/\u0643/g, '\u06A9')
    .replace(/\u200c/g, ' ')
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Whether the answer holds one of the accepted variants of the fact. */
export function holdsFact(answer: string, facts: string[]): boolean {
  const folded = fold(answer);
  return facts.some(fact => folded.includes(fold(fact)));
}

/**
 * The judge's view of a parsed document, for both the block kinds of
 * today's parser (one block per list item and table row) and the older one
 * (a whole list or table per block, wrapped paragraphs).
 */
export function documentSegments(blocks: Block[]): JudgeSegment[] {
  const segments: JudgeSegment[] = [];
  let leadIn: string | undefined;
  blocks.forEach((block, index) => {
    const kind = block.kind as string;
    const previous = blocks[index - 1];
    if (kind !== 'list' && kind !== 'list-item') leadIn = undefined;
    else if (previous?.kind === 'paragraph') {
      leadIn = previous.text.trim().endsWith(':')
        ? lastSentence(previous.text)
        : undefined;
    }
    if (kind === 'heading') {
      segments.push({ kind: 'heading', text: block.text });
    } else if (kind === 'code') {
      const code = block.text.replace(/^```.*\n?|\n?```$/g, '');
      segments.push({ kind: 'code', text: code });
      for (const line of code.split('\n')) {
        if (line.trim()) segments.push({ kind: 'code', text: line });
      }
    } else if (kind === 'table' || kind === 'table-row') {
      for (const row of block.text.split('\n')) {
        segments.push({ kind: 'row', text: row });
      }
    } else if (kind === 'list' || kind === 'list-item') {
      for (const item of listItems(block.text)) {
        segments.push({ kind: 'prose', text: item, leadIn });
      }
    } else {
      segments.push({ kind: 'prose', text: block.text });
    }
  });
  return segments.map(segment => ({
    kind: segment.kind,
    text: fold(segment.text.replace(LIST_MARKER, '')),
    ...(segment.leadIn && { leadIn: fold(segment.leadIn) }),
  }));
}

/** The last sentence of a paragraph (its text after the last full stop). */
function lastSentence(text: string): string {
  const sentences = text.trim().split(/(?<=[.!?؟۔…]["'»”’)\]]*)\s+/u);
  return sentences[sentences.length - 1];
}

/**
 * Text a reader sees as a caption, not prose, in a document's source: the
 * alt texts of Markdown images and the text of `<sub>`, `<small>` and
 * `<figcaption>` elements (folded, Markdown code marks dropped).
 */
export function documentCaptions(source: string): string[] {
  const captions = [
    ...[...source.matchAll(/!\[([^\]]+)\]\(/g)].map(m => m[1]),
    ...[...source.matchAll(/<(sub|small|figcaption)>([\s\S]*?)<\/\1>/gi)].map(
      m => m[2],
    ),
  ];
  return captions.map(fold).filter(caption => caption.length > 0);
}

/** A list's items: a marker line opens one, other lines continue it. */
function listItems(text: string): string[] {
  const items: string[] = [];
  for (const line of text.split('\n')) {
    if (LIST_MARKER.test(line) || items.length === 0) items.push(line);
    else items[items.length - 1] += ` ${line}`;
  }
  return items;
}

/** The quoted pieces of an answer: its deltas that cite a source. */
export function quotedPieces(deltas: string[]): Array<{
  piece: string;
  n: number;
}> {
  return deltas.flatMap(delta => {
    const marker = delta.match(/\[(\d+)\][.!?؟۔…:]*\s*$/u);
    if (!marker) return [];
    const piece = delta
      .replace(/\s*\[\d+\]/g, '')
      .replace(LIST_MARKER, '')
      .trim();
    return [{ piece, n: Number(marker[1]) }];
  });
}

/**
 * Judges one quoted piece against the source it cites; `answer` is the whole
 * answer's text, where a list item's lead-in must be quoted too.
 */
export function judgePiece(
  piece: string,
  source: JudgedSource | undefined,
  answer = '',
): PieceVerdict {
  if (!source) return { piece, whole: false, reason: 'unknown source' };
  const folded = fold(piece);
  // The answerer may have added the full stop a list item or a sentence
  // introducing code lacks.
  const candidates = folded.endsWith('.')
    ? [folded, folded.slice(0, -1)]
    : [folded];
  const passage = fold(source.text);
  if (
    candidates.some(
      candidate =>
        candidate.length > 10 &&
        source.captions?.some(caption => caption.includes(candidate)),
    )
  ) {
    return { piece, whole: false, reason: 'caption' };
  }
  const foldedAnswer = fold(answer);
  for (const candidate of candidates) {
    if (!candidate || !passage.includes(candidate)) continue;
    for (const segment of source.segments) {
      if (segment.text !== candidate) continue;
      if (segment.kind === 'heading') {
        return { piece, whole: false, reason: 'heading' };
      }
      if (segment.kind === 'row') {
        return { piece, whole: false, reason: 'table row' };
      }
    }
    for (const segment of source.segments) {
      if (segment.kind === 'heading' || segment.kind === 'row') continue;
      if (segment.kind === 'code') {
        if (segment.text === candidate) return { piece, whole: true };
        continue;
      }
      if (isWholeSentenceOf(candidate, segment.text)) {
        if (
          segment.leadIn &&
          segment.text === candidate &&
          !foldedAnswer.includes(segment.leadIn.replace(/:$/, ''))
        ) {
          return { piece, whole: false, reason: 'item without its lead-in' };
        }
        return { piece, whole: true };
      }
    }
  }
  return { piece, whole: false, reason: 'not whole' };
}

function isWholeSentenceOf(candidate: string, text: string): boolean {
  for (
    let at = text.indexOf(candidate);
    at !== -1;
    at = text.indexOf(candidate, at + 1)
  ) {
    const before = text.slice(0, at);
    const startsWell = at === 0 || /[.!?؟۔…]["'»”’)\]]*\s$/u.test(before);
    const end = at + candidate.length;
    const endsWell =
      end === text.length ||
      (SENTENCE_END.test(candidate) && text[end] === ' ');
    if (startsWell && endsWell) return true;
  }
  return false;
}

/**
 * On topic: the piece holds one of the question's key facts or on-topic
 * snippets, or is part of a snippet (README.md beside the question set).
 */
export function isOnTopic(
  piece: string,
  facts: string[],
  onTopic: string[],
): boolean {
  const folded = fold(piece).replace(/\.$/, '');
  if (!folded) return false;
  return (
    facts.some(fact => folded.includes(fold(fact))) ||
    onTopic.some(snippet => {
      const s = fold(snippet);
      return folded.includes(s) || s.includes(folded);
    })
  );
}

/**
 * The language a text is written in: Persian when at least a third of its
 * words (runs between spaces holding a letter) hold Arabic-script letters,
 * else English; identifiers and code in a Persian sentence do not make it
 * English.
 */
export function languageOf(text: string): 'fa' | 'en' {
  const words = text.split(/\s+/).filter(word => /\p{L}/u.test(word));
  const arabic = words.filter(word => /\p{Script=Arabic}/u.test(word)).length;
  return words.length > 0 && arabic * 3 >= words.length ? 'fa' : 'en';
}
