import { InputError } from '@backstage/errors';
import { chunkDocument } from './chunkDocument';
import { expectChunkInvariants } from './__testUtils__/chunkInvariants';
import { markdownToDocument, parseMarkdown } from './parseMarkdown';
import { parsePlainText } from './parsePlainText';
import { fixture } from './__testUtils__/testHelpers';
import { countTokens } from './tokens';
import { ParsedDocument } from './types';

const SENTENCES = [
  'Invoices are created once per billing day for every tenant.',
  'Token usage comes from the ledger, never from Prometheus counters.',
  'A payment counts only after the gateway verifies the amount.',
  'Amounts under the gateway minimum are carried to the next invoice.',
  'Operators can rerun billing safely because invoices are idempotent.',
  'Each request id appears once in the usage ledger.',
];

/** `n` sentences, cycling through a fixed set, numbered to be distinct. */
function prose(n: number, offset = 0): string {
  return Array.from(
    { length: n },
    (_, i) =>
      `${SENTENCES[(i + offset) % SENTENCES.length].slice(0, -1)} (${
        i + offset
      }).`,
  ).join(' ');
}

function chunkAndCheck(
  parsed: ParsedDocument,
  maxTokens: number,
  overlapTokens: number,
) {
  const chunks = chunkDocument(parsed, { maxTokens, overlapTokens });
  expectChunkInvariants(parsed, chunks, { maxTokens, overlapTokens });
  return chunks;
}

/** The chunks that contain a block whole. */
function chunksHolding(parsed: ParsedDocument, kind: string, at = 0) {
  const block = parsed.blocks.filter(b => b.kind === kind)[at];
  return (chunks: ReturnType<typeof chunkDocument>) =>
    chunks.filter(c => c.start <= block.start && c.end >= block.end);
}

describe('chunkDocument', () => {
  it('lists the blocks each chunk holds, with offsets into its text', () => {
    const parsed = parseMarkdown(fixture('guide.md'));
    const chunks = chunkDocument(parsed);
    const install = chunks.find(c => c.headingPath.at(-1) === 'Installation')!;
    expect(
      install.blocks.map(b => [b.kind, install.text.slice(b.start, b.end)]),
    ).toEqual([
      ['heading', 'Installation'],
      ['paragraph', 'Install the chart with Helm. See the chart.'],
      ['list-item', '- Create the namespace'],
      ['list-item', '- Create the secrets'],
      ['list-item', '  - OPENAI_API_KEY'],
      ['list-item', '  - ZIBAL_MERCHANT'],
      ['list-item', '- Run helm install'],
      ['list-item', '1. First step'],
      ['list-item', '2. Second step'],
      [
        'code',
        'helm install docuchat ./charts/docuchat \\\n  --namespace docuchat',
      ],
    ]);
    expect(install.blocks.some(b => b.partial)).toBe(false);
  });

  it('marks the blocks a chunk holds only part of', () => {
    const parsed = markdownToDocument(`# Long\n\n${prose(60)}`);
    const chunks = chunkAndCheck(parsed, 120, 20);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      const paragraph = chunk.blocks.find(b => b.kind === 'paragraph')!;
      expect(paragraph.partial).toBe(true);
      expect(paragraph.end).toBe(chunk.text.length);
    }
  });

  it('uses 400/60 by default and keeps a small document in one chunk per section', () => {
    const parsed = parseMarkdown(fixture('guide.md'));
    const chunks = chunkDocument(parsed);
    expectChunkInvariants(parsed, chunks, {
      maxTokens: 400,
      overlapTokens: 60,
    });
    expect(chunks.map(c => c.headingPath)).toEqual([
      ['Operations Guide'],
      ['Operations Guide', 'Installation'],
      ['Operations Guide', 'Installation', 'Verifying'],
      ['Operations Guide', 'Upgrades'],
    ]);
    // The heading starts its chunk, so the chunk reads on its own.
    expect(chunks[2].text).toBe(
      'Verifying\n\nCheck | Command\nPods | kubectl get pods\nLogs | kubectl logs',
    );
  });

  it.each([
    [16, 0],
    [24, 8],
    [48, 12],
    [100, 30],
    [400, 60],
  ])(
    'holds every invariant with maxTokens=%i overlapTokens=%i',
    (max, overlap) => {
      const parsed = markdownToDocument(
        [
          prose(3),
          '# Billing',
          prose(40, 1),
          '## Ledger',
          `- ${SENTENCES.join('\n- ')}`,
          `\`\`\`sql\n${Array.from(
            { length: 30 },
            (_, i) => `SELECT ${i} FROM usage;`,
          ).join('\n')}\n\`\`\``,
          `| a | b |\n|---|---|\n${Array.from(
            { length: 20 },
            (_, i) => `| row ${i} | value ${i} |`,
          ).join('\n')}`,
          '## Payments',
          prose(25, 2),
          '# Appendix',
          'x'.repeat(3000),
        ].join('\n\n'),
      );
      const chunks = chunkAndCheck(parsed, max, overlap);
      expect(chunks.length).toBeGreaterThan(max < 100 ? 20 : 5);
    },
  );

  it('never mixes sections and records full heading paths', () => {
    const parsed = markdownToDocument(
      `# A\n\n${prose(2)}\n\n## B\n\n${prose(2)}\n\n### C\n\n${prose(
        2,
      )}\n\n## D\n\n${prose(2)}\n\n# E\n\n${prose(2)}`,
    );
    const chunks = chunkAndCheck(parsed, 400, 60);
    expect(chunks.map(c => c.headingPath)).toEqual([
      ['A'],
      ['A', 'B'],
      ['A', 'B', 'C'],
      ['A', 'D'],
      ['E'],
    ]);
    expect(chunks[3].text.startsWith('D\n\n')).toBe(true);
  });

  it('folds a heading without body into the section inside it, not into a sibling', () => {
    const parsed = markdownToDocument(
      '# Guide\n\n## Install\n\nRun it.\n\n## Empty\n\n## Upgrade\n\nUpgrade it.',
    );
    const chunks = chunkAndCheck(parsed, 400, 60);
    expect(chunks.map(c => [c.headingPath, c.text])).toEqual([
      [['Guide', 'Install'], 'Guide\n\nInstall\n\nRun it.'],
      [['Guide', 'Empty'], 'Empty'],
      [['Guide', 'Upgrade'], 'Upgrade\n\nUpgrade it.'],
    ]);
  });

  it('overlaps consecutive chunks of a section, starting at a sentence', () => {
    const parsed = markdownToDocument(`# Billing\n\n${prose(30)}`);
    const chunks = chunkAndCheck(parsed, 60, 20);
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      const shared = parsed.text.slice(chunks[i].start, chunks[i - 1].end);
      expect(shared.length).toBeGreaterThan(0);
      expect(countTokens(shared)).toBeLessThanOrEqual(20);
      // Starts where a sentence starts.
      expect(
        SENTENCES.some(s => chunks[i].text.startsWith(s.slice(0, -1))),
      ).toBe(true);
    }
  });

  it('does not overlap when overlapTokens is 0', () => {
    const parsed = markdownToDocument(prose(30));
    const chunks = chunkAndCheck(parsed, 60, 0);
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i].start).toBeGreaterThanOrEqual(chunks[i - 1].end);
    }
  });

  it('keeps a code block and a list whole when they fit, even after other text', () => {
    const code = Array.from(
      { length: 12 },
      (_, i) => `const v${i} = compute(${i});`,
    ).join('\n');
    const list = SENTENCES.map(s => `- ${s}`).join('\n');
    const parsed = markdownToDocument(
      `# Setup\n\n${prose(4)}\n\n\`\`\`ts\n${code}\n\`\`\`\n\n${prose(
        4,
        3,
      )}\n\n${list}\n\n${prose(3)}`,
    );
    const codeTokens = countTokens(code);
    const max = codeTokens + 10;
    const chunks = chunkAndCheck(parsed, max, 20);
    expect(chunksHolding(parsed, 'code')(chunks)).not.toHaveLength(0);
    expect(chunksHolding(parsed, 'list-item')(chunks)).not.toHaveLength(0);
    // No chunk ends inside the code block.
    const block = parsed.blocks.find(b => b.kind === 'code')!;
    expect(chunks.some(c => c.end > block.start && c.end < block.end)).toBe(
      false,
    );
  });

  it('splits an oversized code block between lines', () => {
    const lines = Array.from(
      { length: 200 },
      (_, i) => `echo "step ${i}" >> log.txt`,
    );
    const parsed = markdownToDocument(`\`\`\`sh\n${lines.join('\n')}\n\`\`\``);
    const chunks = chunkAndCheck(parsed, 50, 0);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.text.startsWith('echo')).toBe(true);
      expect(chunk.text.endsWith('log.txt')).toBe(true);
    }
  });

  it('splits a sentence longer than maxTokens between words, then anywhere', () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const blob = Buffer.from(
      Array.from({ length: 3000 }, (_, i) => i % 251),
    ).toString('base64');
    const parsed = markdownToDocument(`${words}\n\n${blob}`);
    const chunks = chunkAndCheck(parsed, 40, 10);
    const wordChunks = chunks.filter(c => c.end <= parsed.blocks[0].end);
    for (const chunk of wordChunks) {
      expect(chunk.text).toMatch(/^word\d+( word\d+)*$/);
    }
    expect(
      chunks.filter(c => c.start >= parsed.blocks[1].start).length,
    ).toBeGreaterThan(10);
  });

  it('round-trips a Persian paragraph and splits long Persian text at sentences', () => {
    const paragraph =
      'سامانه‌ی داکیوچت پرسش‌های شما را درباره‌ی اسناد پاسخ می‌دهد. هزینه بر اساس توکن محاسبه می‌شود؟ بله، هر روز.';
    const single = parsePlainText(Buffer.from(paragraph, 'utf8'));
    const [only] = chunkAndCheck(single, 400, 60);
    expect(only.text).toBe(paragraph);
    expect(Buffer.from(only.text, 'utf8').toString('utf8')).toBe(paragraph);
    expect(single.text.slice(only.start, only.end)).toBe(paragraph);

    const long = parsePlainText(
      Buffer.from(Array(40).fill(paragraph).join(' ')),
    );
    const chunks = chunkAndCheck(long, 60, 15);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.text).not.toContain('\ufffd');
      // Pieces end at a sentence end (. or the Persian question mark).
      expect(chunk.text).toMatch(/[.؟]$/);
    }
  });

  it('never splits surrogate pairs in text without spaces', () => {
    const parsed = markdownToDocument('😀🎉漢字🚀'.repeat(400));
    const chunks = chunkAndCheck(parsed, 16, 4);
    const codePoints = new Set([...'😀🎉漢字🚀']);
    expect(chunks.length).toBeGreaterThan(50);
    for (const chunk of chunks) {
      expect([...chunk.text].every(ch => codePoints.has(ch))).toBe(true);
    }
  });

  it('counts special-token text like <|endoftext|> as ordinary text', () => {
    const parsed = markdownToDocument(
      'Prompt injection: <|endoftext|> <|im_start|>system',
    );
    const [chunk] = chunkAndCheck(parsed, 400, 60);
    expect(chunk.tokenCount).toBeGreaterThan(5);
  });

  it('rejects unusable options', () => {
    const parsed = markdownToDocument('text');
    expect(() => chunkDocument(parsed, { maxTokens: 4 })).toThrow(InputError);
    expect(() =>
      chunkDocument(parsed, { maxTokens: 50, overlapTokens: 50 }),
    ).toThrow(InputError);
    expect(() => chunkDocument(parsed, { maxTokens: 50.5 })).toThrow(
      InputError,
    );
  });

  it('returns no chunks for a document without blocks', () => {
    expect(chunkDocument({ text: '', blocks: [] })).toEqual([]);
  });
});
