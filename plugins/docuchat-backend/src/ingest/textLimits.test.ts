import { htmlToDocument } from './parseHtml';
import { DocumentLimitError } from './parseLimits';
import { markdownToDocument } from './parseMarkdown';
import { parseDocument } from './parseDocument';
import { assertMarkdownWithin, longestRun } from './textLimits';

function limitOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DocumentLimitError) return error.limit;
    throw error;
  }
  return undefined;
}

describe('text limits', () => {
  it('measures the longest run without whitespace', () => {
    expect(longestRun('')).toBe(0);
    expect(longestRun('a bb\tccc\ndddd')).toBe(4);
    expect(longestRun('abc\u00a0abcdef\u3000ab')).toBe(6);
    expect(longestRun('x'.repeat(12))).toBe(12);
  });

  it('leaves ordinary Markdown alone', () => {
    const ordinary = [
      '# Title',
      '> A quote with **bold**, *italic*, ***both*** and `code`.',
      '> > A nested quote.',
      '- one\n  - two\n    - three\n      1. four\n         - five',
      '***',
      'snake_case_names and 2*3*4 and a_b_c are not emphasis.',
      '```\n' + `${' '.repeat(80)}deeply indented code\n` + '```',
      `![diagram](data:image/png;base64,${'QUJD'.repeat(50_000)})`,
    ].join('\n\n');
    expect(() => assertMarkdownWithin(ordinary, 256)).not.toThrow();
    // The image's 200,000-character URI is not text: runs count after parsing.
    const parsed = markdownToDocument(ordinary);
    expect(parsed.text).toContain('diagram');
    expect(longestRun(parsed.text)).toBeLessThan(100);
  });

  it('bounds what marked would recurse on before it runs', () => {
    const deep = (line: string) => limitOf(() => markdownToDocument(line));
    expect(deep(`${'> '.repeat(300)}quoted`)).toBe('nesting-depth');
    expect(deep(`${'>'.repeat(300)} quoted`)).toBe('nesting-depth');
    expect(deep(`${'- '.repeat(300)}listed`)).toBe('nesting-depth');
    expect(
      deep(
        Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}- x`).join(
          '\n',
        ),
      ),
    ).toBe('nesting-depth');
    expect(deep(`${'*a '.repeat(300)}x${' a*'.repeat(300)}`)).toBe(
      'nesting-depth',
    );
    expect(deep(`${'*'.repeat(600)}x${'*'.repeat(600)}`)).toBe('nesting-depth');
    // Within the limit, the same shapes parse.
    expect(deep(`${'> '.repeat(50)}quoted`)).toBeUndefined();
    expect(deep(`${'*a '.repeat(50)}x${' a*'.repeat(50)}`)).toBeUndefined();
  });

  it('bounds a Markdown block without a blank line, and resets at one', () => {
    const line = 'word '.repeat(150_000); // 750,000 characters
    expect(limitOf(() => assertMarkdownWithin(`${line}\n${line}`, 256))).toBe(
      'run-length',
    );
    expect(
      limitOf(() => assertMarkdownWithin(`${line}\n\n${line}`, 256)),
    ).toBeUndefined();
  });

  it('fails any format whose text has a run over the limit, after parsing', async () => {
    const limits = {
      maxPdfPages: 10,
      maxInflatedBytes: 1e6,
      maxNestingDepth: 256,
      maxRunCharacters: 100,
      maxChunks: 100,
    };
    const run = 'x'.repeat(101);
    for (const [contentType, text] of [
      ['text/plain', `Some words then ${run}`],
      ['text/html', `<p>Some words then ${run}</p>`],
      ['text/markdown', `Some words then ${run}`],
    ]) {
      await expect(
        parseDocument(Buffer.from(text), { contentType, limits }),
      ).rejects.toThrow(
        'The document has 101 characters in a row without a space or line break; the limit is 100 (docuchat.ingestion.limits.maxRunCharacters)',
      );
    }
    // Markup the parser drops does not count.
    await expect(
      parseDocument(Buffer.from(`<p>Short words.</p><script>${run}</script>`), {
        contentType: 'text/html',
        limits,
      }),
    ).resolves.toMatchObject({ text: 'Short words.' });
  });

  it('bounds HTML nesting before the walk, wherever the HTML comes from', () => {
    const nested = (depth: number) =>
      `${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}`;
    expect(htmlToDocument(nested(200)).text).toBe('deep');
    expect(limitOf(() => htmlToDocument(nested(300)))).toBe('nesting-depth');
    // Raw HTML inside Markdown goes through the same walk.
    expect(limitOf(() => markdownToDocument(nested(300)))).toBe(
      'nesting-depth',
    );
  });
});
