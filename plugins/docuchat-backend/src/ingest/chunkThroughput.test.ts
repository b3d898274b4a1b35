import { chunkDocument } from './chunkDocument';
import { expectChunkInvariants } from './__testUtils__/chunkInvariants';
import { markdownToDocument } from './parseMarkdown';

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'ten',
  'ro',
  'lim',
  'vas',
  'dor',
  'mi',
  'qu',
  'sel',
  'an',
  'tro',
  'bex',
];
const PERSIAN = [
  'فاکتور',
  'توکن',
  'مستأجر',
  'پرداخت',
  'گزارش',
  'می‌شود',
  'سامانه',
  'هزینه',
];

/**
 * About `bytes` of varied Markdown: nested headings, prose, lists, code and
 * tables, with some Persian. Words are random so the tokenizer's merge cache
 * does not make the measurement optimistic.
 */
function generateMarkdown(bytes: number): string {
  const next = random(42);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const word = () =>
    next() < 0.08
      ? pick(PERSIAN)
      : Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
          pick(SYLLABLES),
        ).join('');
  const sentence = () =>
    `${Array.from({ length: 6 + Math.floor(next() * 14) }, word).join(' ')}.`;
  const paragraph = () =>
    Array.from({ length: 2 + Math.floor(next() * 6) }, sentence).join(' ');
  const parts: string[] = [];
  let size = 0;
  let section = 0;
  while (size < bytes) {
    const roll = next();
    let part: string;
    if (roll < 0.1) {
      part = `${'#'.repeat(
        1 + Math.floor(next() * 3),
      )} Section ${section++} ${word()}`;
    } else if (roll < 0.7) {
      part = paragraph();
    } else if (roll < 0.82) {
      part = Array.from(
        { length: 3 + Math.floor(next() * 6) },
        () => `- ${sentence()}`,
      ).join('\n');
    } else if (roll < 0.94) {
      part = `\`\`\`ts\n${Array.from(
        { length: 4 + Math.floor(next() * 20) },
        (_, i) =>
          `const ${word()}${i} = ${word()}(${Math.floor(next() * 1000)});`,
      ).join('\n')}\n\`\`\``;
    } else {
      part = `| key | value |\n|---|---|\n${Array.from(
        { length: 3 + Math.floor(next() * 10) },
        () => `| ${word()} | ${sentence()} |`,
      ).join('\n')}`;
    }
    parts.push(part);
    size += Buffer.byteLength(part) + 2;
  }
  return parts.join('\n\n');
}

describe('chunking throughput', () => {
  it('chunks about 1 MB of Markdown quickly and within bounds', () => {
    // Warm up the tokenizer (lazy tables, JIT) so the figure is steady-state.
    chunkDocument(markdownToDocument(generateMarkdown(64 * 1024)));
    const markdown = generateMarkdown(1024 * 1024);
    const megabytes = Buffer.byteLength(markdown) / (1024 * 1024);

    let started = performance.now();
    const parsed = markdownToDocument(markdown);
    const parseMs = performance.now() - started;

    started = performance.now();
    const chunks = chunkDocument(parsed, { maxTokens: 400, overlapTokens: 60 });
    const chunkMs = performance.now() - started;

    const tokens = chunks.reduce((sum, c) => sum + c.tokenCount, 0);
    // The figure to report; visible in the test output.
    console.log(
      `${megabytes.toFixed(2)} MB markdown, ${parsed.blocks.length} blocks → ` +
        `${chunks.length} chunks (${tokens} tokens incl. overlap). ` +
        `parse ${parseMs.toFixed(0)} ms (${(
          megabytes /
          (parseMs / 1000)
        ).toFixed(2)} MB/s), ` +
        `chunk ${chunkMs.toFixed(0)} ms (${(
          megabytes /
          (chunkMs / 1000)
        ).toFixed(2)} MB/s)`,
    );

    expectChunkInvariants(parsed, chunks, {
      maxTokens: 400,
      overlapTokens: 60,
    });
    // A floor far below what this machine does, to catch an accidentally
    // quadratic change without making the test timing-sensitive.
    expect(chunkMs).toBeLessThan(20_000);
  });
});
