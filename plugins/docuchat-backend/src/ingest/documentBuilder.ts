import { Block, BlockKind, ParsedDocument } from './types';

/**
 * Blocks are separated by a blank line in `text`, so the plain text reads
 * naturally (and embeds well) and a chunk spanning several blocks is still a
 * single contiguous slice of `text`.
 */
export const BLOCK_SEPARATOR = '\n\n';
/** Between the items of one list, or the rows of one table. */
export const ITEM_SEPARATOR = '\n';

// Characters that break storage or display and carry no meaning in prose:
// NUL is rejected by PostgreSQL `text` columns; the rest are C0/C1 controls
// except tab and newline. Zero-width joiners/non-joiners (needed by Persian)
// are not controls and are kept.
const CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * Accumulates blocks into a `ParsedDocument`, computing every block's offsets
 * as it appends, so the invariant `text.slice(start, end) === block.text`
 * holds by construction for every parser.
 */
export class DocumentBuilder {
  private readonly parts: string[] = [];
  private readonly blocks: Block[] = [];
  private length = 0;

  /**
   * Appends a block; blank blocks are skipped. Returns whether it was kept.
   * A list item or table row that `continues` the previous block of its
   * kind (the next item of the same list, row of the same table) follows
   * it after a single line break instead of a blank line.
   */
  add(
    kind: BlockKind,
    rawText: string,
    options: { level?: number; continues?: boolean } = {},
  ): boolean {
    const text = cleanBlockText(rawText, kind);
    if (!text) {
      return false;
    }
    const previous = this.blocks[this.blocks.length - 1];
    if (previous) {
      const separator =
        options.continues &&
        previous.kind === kind &&
        (kind === 'list-item' || kind === 'table-row')
          ? ITEM_SEPARATOR
          : BLOCK_SEPARATOR;
      this.parts.push(separator);
      this.length += separator.length;
    }
    const start = this.length;
    this.parts.push(text);
    this.length += text.length;
    const block: Block = { kind, text, start, end: this.length };
    if (kind === 'heading') {
      block.level = Math.min(6, Math.max(1, options.level ?? 1));
    }
    this.blocks.push(block);
    return true;
  }

  get blockCount(): number {
    return this.blocks.length;
  }

  build(): ParsedDocument {
    return { text: this.parts.join(''), blocks: this.blocks };
  }
}

/**
 * Normalises a block's text: line endings to `\n`, control characters
 * removed, trailing spaces on lines dropped. Code keeps its indentation (only
 * surrounding blank lines go); prose is trimmed (a list item keeps the
 * indentation that shows its nesting); headings and table rows become one
 * line.
 */
function cleanBlockText(raw: string, kind: BlockKind): string {
  const text = raw
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_CHARACTERS, '')
    .replace(/[ \t]+$/gm, '');
  if (kind === 'code') {
    return text.replace(/^\n+/, '').replace(/\s+$/, '');
  }
  if (kind === 'heading' || kind === 'table-row') {
    // A heading is a label in heading paths and citations: one line.
    return text.replace(/\s*\n\s*/g, ' ').trim();
  }
  if (kind === 'list-item') {
    return text.replace(/^\n+/, '').trimEnd();
  }
  return text.trim();
}
