import { ChunkBlock } from '../ingest/types';
import { splitSentences } from './sentences';

/** A retrieved passage as the answerer reads it. */
export interface AnswerSource {
  n: number;
  text: string;
  /** The passage's headings, outermost first; never quoted alone. */
  headingPath?: string[];
  /** Its blocks; derived from the text's layout when absent. */
  blocks?: ChunkBlock[];
}

/**
 * What an answer may quote: a whole sentence of a paragraph, or a whole
 * list item; `code` is the code block that directly follows it (a
 * sentence or item introducing a command, usually ending in `:`), quoted
 * only when the question asks for a command. Headings, table rows and
 * pieces of blocks the passage holds only part of are never units.
 */
export interface AnswerUnit {
  n: number;
  text: string;
  kind: 'sentence' | 'list-item';
  code?: string;
  /**
   * A list item's lead-in: the sentence ending with `:` that introduces its
   * list, quoted before the item (an item alone may mean nothing: "expires
   * invoices unpaid for 30 days;" is a step of "A run:").
   */
  leadIn?: string;
  /**
   * The list item a sentence belongs to (its index in the passage's
   * blocks): an item of several sentences is quoted by the sentences that
   * answer, under one bullet.
   */
  item?: number;
  /**
   * What the list item is about, when it opens with a label ("Chunk:
   * within one section…", "Documents. Upload by…").
   */
  label?: string;
  /** Position in the passage, for the natural order of an answer. */
  position: number;
}

const LIST_MARKER = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?/u;
const SENTENCE_END = /[.!?؟۔…:]["'»”’)\]]*$/u;

/**
 * The units of one passage, in their order. Not units: a paragraph that
 * does not end like a sentence (an image's alt text, a caption, a badge
 * line: prose ends with its punctuation), and a list item whose lead-in the
 * passage does not hold (its list began before the passage).
 */
export function answerUnits(source: AnswerSource): AnswerUnit[] {
  const blocks = source.blocks ?? blocksFromLayout(source);
  const units: AnswerUnit[] = [];
  // The lead-in of the list being read: undefined outside lists, null when
  // the list needs none, a sentence when it has one.
  let leadIn: string | null | undefined;
  blocks.forEach((block, index) => {
    const text = source.text.slice(block.start, block.end);
    if (block.kind !== 'list-item') leadIn = undefined;
    if (block.kind === 'list-item') {
      if (leadIn === undefined) leadIn = listLeadIn(source, blocks, index);
      const item = text.replace(LIST_MARKER, '').trim();
      if (block.partial || !item || leadIn === undefined) return;
      let sentences = splitSentences(item);
      // "Documents. Upload by drag and drop…": a label names what the
      // item is about; alone it answers nothing.
      const label = labelOf(sentences[0]);
      if (sentences.length > 1 && label === sentences[0]) {
        sentences = sentences.slice(1);
      }
      for (const sentence of sentences) {
        units.push({
          n: source.n,
          text: sentence,
          kind: 'list-item',
          ...(leadIn && { leadIn }),
          ...(label && { label }),
          item: index,
          position: 0,
        });
      }
    } else if (block.kind === 'paragraph') {
      if (!block.partial && !SENTENCE_END.test(text.trim())) return;
      let sentences = splitSentences(text);
      // A block cut at the chunk's edge: its outer sentences may be cut.
      if (block.partial && block.start === 0 && !/^\p{Lu}/u.test(text)) {
        sentences = sentences.slice(1);
      }
      if (
        block.partial &&
        block.end === source.text.length &&
        !SENTENCE_END.test(sentences[sentences.length - 1] ?? '.')
      ) {
        sentences = sentences.slice(0, -1);
      }
      for (const sentence of sentences) {
        units.push({
          n: source.n,
          text: sentence,
          kind: 'sentence',
          position: 0,
        });
      }
    } else if (block.kind === 'code' && !block.partial) {
      // The code belongs to what introduces it, when that ends the block
      // just before.
      const previous = blocks[index - 1];
      const last = units[units.length - 1];
      if (
        previous &&
        last &&
        (previous.kind === 'paragraph' || previous.kind === 'list-item') &&
        source.text
          .slice(previous.start, previous.end)
          .trimEnd()
          .endsWith(last.text)
      ) {
        last.code = text;
      }
    }
  });
  return units.map((unit, position) => ({ ...unit, position }));
}

/**
 * The label opening a list item: a sentence of at most four words ("Node.js
 * and npm."), or up to four words before a colon ("Chunk: within…",
 * "Search (src/search): BM25…").
 */
function labelOf(sentence: string | undefined): string | undefined {
  if (!sentence) return undefined;
  const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
  if (/[.!?؟۔…]$/u.test(sentence) && words(sentence) <= 4) return sentence;
  const colon = sentence.match(/^([^:]{1,60}?):\s/u);
  return colon && words(colon[1]) <= 4 ? colon[1] : undefined;
}

/**
 * The lead-in of the list starting at `blocks[index]`: the last sentence of
 * the paragraph just before it when that ends with `:`; null when the list
 * follows anything else (a heading, a paragraph that ends its thought);
 * undefined when the passage starts with the list, so its lead-in, if any,
 * is not here.
 */
function listLeadIn(
  source: AnswerSource,
  blocks: AnswerSource['blocks'] & object,
  index: number,
): string | null | undefined {
  const previous = blocks[index - 1];
  // A chunk starts with its section's heading; one that starts with a list
  // item started inside the section, after whatever led into the list.
  if (!previous) return undefined;
  if (previous.kind !== 'paragraph') return null;
  const paragraph = source.text.slice(previous.start, previous.end).trim();
  if (!paragraph.endsWith(':')) return null;
  const sentences = splitSentences(paragraph);
  return sentences[sentences.length - 1] ?? undefined;
}

/**
 * Blocks of a passage stored without them (or read back from a prompt):
 * blank lines separate blocks, list-marker lines are items, lines equal to
 * a heading of the passage are headings, `a | b` lines are table rows.
 * Code cannot be told from prose here; it is taken as a paragraph.
 */
function blocksFromLayout(source: AnswerSource): ChunkBlock[] {
  const headings = new Set(source.headingPath ?? []);
  const blocks: ChunkBlock[] = [];
  const lines = /[^\n]+/g;
  let paragraph: ChunkBlock | undefined;
  for (const match of source.text.matchAll(lines)) {
    const line = match[0];
    const start = match.index!;
    const end = start + line.length;
    const blankBefore =
      start === 0 || source.text.slice(0, start).endsWith('\n\n');
    let kind: ChunkBlock['kind'] | undefined;
    if (headings.has(line.trim())) kind = 'heading';
    else if (LIST_MARKER.test(line)) kind = 'list-item';
    else if (/\S \| \S/.test(line)) kind = 'table-row';
    if (kind) {
      blocks.push({ kind, start, end });
      paragraph = undefined;
    } else if (paragraph && !blankBefore) {
      paragraph.end = end;
    } else {
      paragraph = { kind: 'paragraph', start, end };
      blocks.push(paragraph);
    }
  }
  return blocks;
}
