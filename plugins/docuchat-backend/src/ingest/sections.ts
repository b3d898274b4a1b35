import { Block } from './types';

/** The blocks under one heading (the heading first), with its heading path. */
export interface Section {
  headingPath: string[];
  blocks: Block[];
}

/**
 * Groups blocks into sections: each heading starts one, and its path is the
 * heading plus all enclosing headings (a heading encloses the following
 * headings of deeper level). Blocks before the first heading form a section
 * with an empty path.
 *
 * A heading with no body of its own ("# Guide" directly followed by
 * "## Install") is folded into the next section when that section lies
 * inside it, so it does not become a chunk of one word; the merged section's
 * path ([Guide, Install]) still names both. Otherwise it stays a section of
 * its own, so no text is ever dropped.
 */
export function splitSections(blocks: Block[]): Section[] {
  const raw: Section[] = [];
  const open: { level: number; text: string }[] = [];
  let current: Section | undefined;
  for (const block of blocks) {
    if (block.kind === 'heading') {
      const level = block.level ?? 1;
      while (open.length > 0 && open[open.length - 1].level >= level) {
        open.pop();
      }
      open.push({ level, text: block.text });
      current = { headingPath: open.map(h => h.text), blocks: [block] };
      raw.push(current);
    } else {
      if (!current) {
        current = { headingPath: [], blocks: [] };
        raw.push(current);
      }
      current.blocks.push(block);
    }
  }
  return foldEmptyHeadings(raw);
}

function foldEmptyHeadings(sections: Section[]): Section[] {
  const out: Section[] = [];
  let carried: Section | undefined;
  for (const section of sections) {
    let merged = section;
    if (carried) {
      if (isInside(section.headingPath, carried.headingPath)) {
        merged = {
          headingPath: section.headingPath,
          blocks: [...carried.blocks, ...section.blocks],
        };
      } else {
        out.push(carried);
      }
      carried = undefined;
    }
    if (merged.blocks.every(b => b.kind === 'heading')) {
      carried = merged;
    } else {
      out.push(merged);
    }
  }
  if (carried) {
    out.push(carried);
  }
  return out;
}

/** Whether `path` is strictly inside `outer` (outer is a proper prefix). */
function isInside(path: string[], outer: string[]): boolean {
  return (
    path.length > outer.length && outer.every((text, i) => path[i] === text)
  );
}
