import { markdownToDocument, parseMarkdown } from './parseMarkdown';
import { expectConsistentOffsets, fixture, outline } from './testHelpers';

describe('parseMarkdown', () => {
  it('keeps headings, paragraphs, lists, fenced code and tables as blocks', () => {
    const doc = parseMarkdown(fixture('guide.md'));
    expect(outline(doc)).toEqual([
      ['h1', 'Operations Guide'],
      [
        'paragraph',
        'DocuChat answers questions about your documents. This guide covers\ninstallation & upgrades.',
      ],
      ['h2', 'Installation'],
      ['paragraph', 'Install the chart with Helm. See the chart.'],
      [
        'list',
        '- Create the namespace\n- Create the secrets\n  - OPENAI_API_KEY\n  - ZIBAL_MERCHANT\n- Run helm install',
      ],
      ['list', '1. First step\n2. Second step'],
      [
        'code',
        'helm install docuchat ./charts/docuchat \\\n  --namespace docuchat',
      ],
      ['h3', 'Verifying'],
      [
        'table',
        'Check | Command\nPods | kubectl get pods\nLogs | kubectl logs',
      ],
      ['h2', 'Upgrades'],
      ['paragraph', 'Always back up the database first.'],
      ['paragraph', 'Upgrade with helm upgrade.'],
    ]);
    expectConsistentOffsets(doc);
  });

  it('gives offsets that find each block in the text', () => {
    const doc = parseMarkdown(fixture('guide.md'));
    const code = doc.blocks.find(b => b.kind === 'code')!;
    expect(doc.text.indexOf('helm install docuchat')).toBe(code.start);
    expect(doc.text.slice(code.start, code.end)).toContain('--namespace');
  });

  it('decodes entities and escapes, keeps code spans literally', () => {
    const doc = markdownToDocument(
      'A &amp; B &copy; \\*not emphasis\\* and `a &amp; b < c`.',
    );
    expect(doc.text).toBe('A & B © *not emphasis* and a &amp; b < c.');
  });

  it('parses raw HTML blocks with the HTML parser', () => {
    const doc = markdownToDocument(
      'Intro\n\n<table><tr><td>a</td><td>b</td></tr></table>\n\nOutro',
    );
    expect(outline(doc)).toEqual([
      ['paragraph', 'Intro'],
      ['table', 'a | b'],
      ['paragraph', 'Outro'],
    ]);
  });

  it('supports setext headings, task lists and ordered lists not starting at 1', () => {
    const doc = markdownToDocument(
      'Title\n=====\n\n- [x] done\n- [ ] todo\n\n3. three\n4. four\n',
    );
    expect(outline(doc)).toEqual([
      ['h1', 'Title'],
      ['list', '- [x] done\n- [ ] todo'],
      ['list', '3. three\n4. four'],
    ]);
  });

  it('round-trips Persian text, including zero-width non-joiners', () => {
    const persian =
      'فاکتورها به تومان نمایش داده می\u200cشوند؛ مبلغ به ریال ذخیره می\u200cشود.';
    const doc = parseMarkdown(Buffer.from(`# راهنما\n\n${persian}\n`));
    expect(outline(doc)).toEqual([
      ['h1', 'راهنما'],
      ['paragraph', persian],
    ]);
    expectConsistentOffsets(doc);
  });
});
