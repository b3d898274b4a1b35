import { decodeText } from './decodeText';
import { DocumentBuilder } from './documentBuilder';
import { BlockKind, ParsedDocument } from './types';

const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S/u;
const FENCE = /^\s*(?:```|~~~)/;
const INDENTED = /^(?: {4}|\t)/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
// Below this width, line breaks are taken as meant (addresses, verse,
// `key: value` lines), not as the wrapping of prose.
const MIN_WRAP_WIDTH = 40;

/**
 * Plain text → blocks as a reader sees them. Paragraphs are separated by
 * blank lines; inside one, lines that were wrapped prose become one line
 * (the break was soft when the next line's first word would not have fit
 * on the line, at the paragraph's widest line); other breaks stay. Lines
 * starting with a list marker (`-`, `*`, `•`, `1.`) are list items (their
 * indented continuation lines join them), fenced (fences kept: plain text
 * shows them) or indented blocks are code, and `| a | b |` lines are table
 * rows. No headings are guessed (from
 * underlines or capitals): a wrong guess would give chunks misleading
 * heading paths, and a plain text file promises none.
 */
export function parsePlainText(
  bytes: Uint8Array,
  options: { charset?: string } = {},
): ParsedDocument {
  const text = decodeText(bytes, options.charset).replace(/\r\n?/g, '\n');
  return plainTextToDocument(text);
}

/** The string half of `parsePlainText`. */
export function plainTextToDocument(text: string): ParsedDocument {
  const builder = new DocumentBuilder();
  let kind: BlockKind | undefined;
  let lines: string[] = [];
  let fence: string | undefined;
  // A blank line since the last block: the next item starts a new list.
  let blank = false;

  const flush = () => {
    if (kind === 'code') trimTrailingBlankLines(lines);
    if (kind && lines.length > 0) {
      let body = lines.join('\n');
      if (kind === 'paragraph') body = unwrap(lines);
      if (kind === 'list-item') {
        body = indentOf(lines[0]) + lines.map(l => l.trim()).join(' ');
      }
      builder.add(kind, body, { continues: !blank });
      blank = false;
    }
    kind = undefined;
    lines = [];
  };
  const start = (next: BlockKind, line: string) => {
    flush();
    kind = next;
    lines = [line];
  };

  for (const line of text.split('\n')) {
    if (fence !== undefined) {
      lines.push(line);
      if (line.trim().startsWith(fence)) {
        flush();
        fence = undefined;
      }
    } else if (!line.trim()) {
      // A blank line inside indented code may belong to it; elsewhere it
      // ends the block.
      if (kind === 'code') {
        lines.push('');
      } else {
        flush();
        blank = true;
      }
    } else if (FENCE.test(line)) {
      flush();
      fence = line.trim().slice(0, 3);
      kind = 'code';
      lines = [line];
    } else if (kind === 'code' && INDENTED.test(line)) {
      lines.push(line);
    } else if (TABLE_ROW.test(line)) {
      flush();
      // The `|---|---|` line under a header row is layout, not content.
      if (!/^[\s|:-]+$/.test(line)) start('table-row', cells(line));
    } else if (LIST_ITEM.test(line)) {
      start('list-item', line);
    } else if (kind === 'list-item' || kind === 'paragraph') {
      lines.push(line);
    } else if (INDENTED.test(line)) {
      start('code', line);
    } else {
      start('paragraph', line);
    }
  }
  flush();
  return builder.build();
}
/**
 * Joins the lines of a paragraph where they were wrapped: a greedy wrapper
 * at width W ≥ the widest line would have put the next word on this line
 * if it fitted, so a break where it would have fitted was meant.
 */
function unwrap(lines: string[]): string {
  const trimmed = lines.map(line => line.trim());
  // A loop, not Math.max(...lines): spreading a paragraph of a million
  // lines as arguments overflows the stack.
  const width = trimmed.reduce((max, line) => Math.max(max, line.length), 0);
  if (width < MIN_WRAP_WIDTH) return trimmed.join('\n');
  let out = trimmed[0];
  for (let i = 1; i < trimmed.length; i++) {
    const firstWord = trimmed[i].split(/\s/, 1)[0];
    const soft = trimmed[i - 1].length + 1 + firstWord.length > width;
    out += (soft ? ' ' : '\n') + trimmed[i];
  }
  return out;
}

function indentOf(line: string): string {
  const spaces = line.match(/^\s*/)![0].replace(/\t/g, '    ').length;
  return '  '.repeat(Math.floor(spaces / 2));
}

function cells(line: string): string {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map(cell => cell.trim())
    .join(' | ');
}

function trimTrailingBlankLines(lines: string[]) {
  while (lines.length > 0 && !lines[lines.length - 1].trim()) lines.pop();
}
