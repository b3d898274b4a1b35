import { countTokens } from '../tokens';
import { Chunk, ParsedDocument } from '../types';

const WHITESPACE = new Set([' ', '\n', '\t', '\u00a0']);

const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Test-only: asserts every guarantee `chunkDocument` documents, for any
 * document and options. Shared by the unit and throughput tests; plain
 * checks rather than `expect` per item, so a megabyte stays quick to verify.
 */
export function expectChunkInvariants(
  parsed: ParsedDocument,
  chunks: Chunk[],
  { maxTokens, overlapTokens }: { maxTokens: number; overlapTokens: number },
): void {
  const paths = blockPaths(parsed);
  const covered = new Uint8Array(parsed.text.length);
  let firstBlock = 0;
  chunks.forEach((chunk, index) => {
    const where = `chunk ${index} ${JSON.stringify(chunk.text.slice(0, 40))}`;
    check(chunk.ordinal === index, `${where}: ordinal ${chunk.ordinal}`);
    // The offsets invariant: a chunk is exactly its slice of the text.
    check(
      parsed.text.slice(chunk.start, chunk.end) === chunk.text,
      `${where}: text is not text.slice(start, end)`,
    );
    check(
      chunk.text.length > 0 && chunk.text === chunk.text.trim(),
      `${where}: empty or untrimmed`,
    );
    const tokens = countTokens(chunk.text);
    check(
      chunk.tokenCount === tokens,
      `${where}: tokenCount ${chunk.tokenCount} != ${tokens}`,
    );
    check(tokens <= maxTokens, `${where}: ${tokens} tokens > ${maxTokens}`);
    check(!LONE_SURROGATE.test(chunk.text), `${where}: split surrogate pair`);
    covered.fill(1, chunk.start, chunk.end);

    // One section per chunk: body blocks share the chunk's heading path,
    // headings inside it are the path's own (folded) headings.
    while (parsed.blocks[firstBlock]?.end <= chunk.start) firstBlock++;
    for (let b = firstBlock; b < parsed.blocks.length; b++) {
      const block = parsed.blocks[b];
      if (block.start >= chunk.end) break;
      const path = paths[b];
      const ok =
        block.kind === 'heading'
          ? path.every((h, i) => chunk.headingPath[i] === h)
          : path.length === chunk.headingPath.length &&
            path.every((h, i) => chunk.headingPath[i] === h);
      check(
        ok,
        `${where}: block ${b} has path ${JSON.stringify(
          path,
        )}, chunk ${JSON.stringify(chunk.headingPath)}`,
      );
    }

    const previous = chunks[index - 1];
    if (previous) {
      check(
        chunk.start >= previous.start && chunk.end > previous.end,
        `${where}: out of order`,
      );
      if (chunk.start < previous.end) {
        // Overlap: same section, bounded, never the whole previous chunk.
        check(
          chunk.headingPath.join('\u0000') ===
            previous.headingPath.join('\u0000'),
          `${where}: overlaps a chunk of another section`,
        );
        check(
          chunk.start > previous.start,
          `${where}: contains the whole previous chunk`,
        );
        const shared = countTokens(
          parsed.text.slice(chunk.start, previous.end),
        );
        check(shared <= overlapTokens, `${where}: overlap of ${shared} tokens`);
      }
    }
  });
  // Coverage: no text of any block is lost.
  for (const block of parsed.blocks) {
    for (let i = block.start; i < block.end; i++) {
      if (!covered[i] && !WHITESPACE.has(parsed.text[i])) {
        throw new Error(
          `character ${i} (${JSON.stringify(
            parsed.text.slice(i, i + 20),
          )}) is in no chunk`,
        );
      }
    }
  }
}

function check(condition: boolean, message: string): void {
  if (!condition) {
    throw new Error(`chunk invariant violated: ${message}`);
  }
}

/** Each block's heading path, computed independently of the chunker. */
function blockPaths(parsed: ParsedDocument): string[][] {
  const open: { level: number; text: string }[] = [];
  return parsed.blocks.map(block => {
    if (block.kind === 'heading') {
      while (open.length && open[open.length - 1].level >= block.level!) {
        open.pop();
      }
      open.push({ level: block.level!, text: block.text });
    }
    return open.map(h => h.text);
  });
}
