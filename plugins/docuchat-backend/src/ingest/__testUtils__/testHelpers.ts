import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';
import { ParsedDocument } from '../types';

/** Test-only helpers shared by the ingest tests. */

export function fixture(name: string): Buffer {
  return readFileSync(
    resolvePackagePath(
      '@docuchat/backstage-plugin-docuchat-backend',
      'src/ingest/__fixtures__',
      name,
    ),
  );
}

/**
 * The parser contract: every block is exactly its slice of `text`, blocks
 * are in order and do not overlap, and `text` holds nothing but the blocks
 * and the blank lines between them (a line break between the items of one
 * list or the rows of one table). Prose has no line breaks but hard ones.
 */
export function expectConsistentOffsets(doc: ParsedDocument): void {
  let previousEnd = 0;
  doc.blocks.forEach((block, index) => {
    expect(doc.text.slice(block.start, block.end)).toBe(block.text);
    if (index === 0) {
      expect(block.start).toBe(0);
    } else {
      const separator = doc.text.slice(previousEnd, block.start);
      const sameList =
        doc.blocks[index - 1].kind === block.kind &&
        ['list-item', 'table-row'].includes(block.kind);
      expect(sameList ? ['\n', '\n\n'] : ['\n\n']).toContain(separator);
    }
    if (block.kind === 'heading' || block.kind === 'table-row') {
      expect(block.text).not.toContain('\n');
    }
    previousEnd = block.end;
  });
  expect(doc.text.length).toBe(previousEnd);
}

/** Blocks as `[kind, text]` (plus level for headings) for compact asserts. */
export function outline(doc: ParsedDocument): Array<[string, string]> {
  return doc.blocks.map(b => [
    b.kind === 'heading' ? `h${b.level}` : b.kind,
    b.text,
  ]);
}
