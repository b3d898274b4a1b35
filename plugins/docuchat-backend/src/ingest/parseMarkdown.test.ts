import { markdownToDocument, parseMarkdown } from './parseMarkdown';
import {
  expectConsistentOffsets,
  fixture,
  outline,
} from './__testUtils__/testHelpers';

describe('parseMarkdown', () => {
  it('keeps headings, paragraphs, lists, fenced code and tables as blocks', () => {
    const doc = parseMarkdown(fixture('guide.md'));
    expect(outline(doc)).toEqual([
      ['h1', 'Operations Guide'],
      [
        'paragraph',
        'DocuChat answers questions about your documents. This guide covers installation & upgrades.',
      ],
      ['h2', 'Installation'],
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
      ['h3', 'Verifying'],
      ['table-row', 'Check | Command'],
      ['table-row', 'Pods | kubectl get pods'],
      ['table-row', 'Logs | kubectl logs'],
      ['h2', 'Upgrades'],
      ['paragraph', 'Always back up the database first.'],
      ['paragraph', 'Upgrade with helm upgrade.'],
    ]);
    expectConsistentOffsets(doc);
  });

  it('reads as a reader sees it: one list per run of lines, blank lines between blocks', () => {
    const doc = parseMarkdown(fixture('guide.md'));
    expect(doc.text).toContain(
      'See the chart.\n\n- Create the namespace\n- Create the secrets\n  - OPENAI_API_KEY\n  - ZIBAL_MERCHANT\n- Run helm install\n\n1. First step\n2. Second step\n\nhelm install',
    );
    expect(doc.text).toContain(
      'Verifying\n\nCheck | Command\nPods | kubectl get pods\nLogs | kubectl logs\n\nUpgrades',
    );
  });

  it('turns soft line breaks into spaces and keeps hard ones', () => {
    const doc = markdownToDocument(
      [
        'A paragraph wrapped at\nforty columns, with `a code\nspan` and',
        'a hard break  \nhere.',
        '',
        '- An item wrapped',
        '  onto two lines.',
        '- An item with a command:',
        '',
        '  ```bash',
        '  ./scripts/test-all.sh',
        '  ```',
        '',
        '  and a second paragraph.',
      ].join('\n'),
    );
    expect(outline(doc)).toEqual([
      [
        'paragraph',
        'A paragraph wrapped at forty columns, with a code span and a hard break\nhere.',
      ],
      ['list-item', '- An item wrapped onto two lines.'],
      ['list-item', '- An item with a command: and a second paragraph.'],
      ['code', './scripts/test-all.sh'],
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
      ['table-row', 'a | b'],
      ['paragraph', 'Outro'],
    ]);
  });

  it('supports setext headings, task lists and ordered lists not starting at 1', () => {
    const doc = markdownToDocument(
      'Title\n=====\n\n- [x] done\n- [ ] todo\n\n3. three\n4. four\n',
    );
    expect(outline(doc)).toEqual([
      ['h1', 'Title'],
      ['list-item', '- [x] done'],
      ['list-item', '- [ ] todo'],
      ['list-item', '3. three'],
      ['list-item', '4. four'],
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
