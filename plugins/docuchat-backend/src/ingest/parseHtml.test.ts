import { UnreadableDocumentError } from './errors';
import { htmlToDocument, parseHtml } from './parseHtml';
import {
  expectConsistentOffsets,
  fixture,
  outline,
} from './__testUtils__/testHelpers';

describe('parseHtml', () => {
  it('turns headings, paragraphs, lists, pre/code and tables into blocks', () => {
    const doc = parseHtml(fixture('page.html'));
    expect(outline(doc)).toEqual([
      ['h1', 'Billing & Invoices'],
      ['paragraph', 'Prices are in Rials — 1 Toman = 10\u00a0Rials.'],
      ['h2', 'How we count tokens'],
      ['list-item', '- Prompt tokens'],
      ['list-item', '- Completion tokens'],
      ['list-item', '  1. streamed'],
      ['list-item', '  2. non-streamed'],
      [
        'code',
        "SELECT sum(tokens)\n  FROM usage WHERE tenant_id = 'a' && 1 < 2;",
      ],
      ['table-row', 'Model | Price'],
      ['table-row', 'gpt-4o | 200 Rials / 1k'],
      ['paragraph', 'Loose text in a div\nsecond line'],
    ]);
    expectConsistentOffsets(doc);
  });

  it('collapses wrapped paragraphs and list items, keeps code in an item apart', () => {
    const doc = htmlToDocument(
      [
        '<p>A paragraph wrapped\n   across lines<br>after a break.</p>',
        '<ul><li>An item\n  wrapped<pre>make test\nmake lint</pre></li>',
        '<li>Second</li></ul>',
        '<table><tr><th>Key</th><th>Default</th></tr>',
        '<tr><td>k</td><td>6</td></tr></table>',
      ].join('\n'),
    );
    expect(outline(doc)).toEqual([
      ['paragraph', 'A paragraph wrapped across lines\nafter a break.'],
      ['list-item', '- An item wrapped'],
      ['code', 'make test\nmake lint'],
      ['list-item', '- Second'],
      ['table-row', 'Key | Default'],
      ['table-row', 'k | 6'],
    ]);
    expect(doc.text).toContain('make lint\n\n- Second\n\nKey | Default\nk | 6');
    expectConsistentOffsets(doc);
  });

  it('drops script, style, nav and head content', () => {
    const { text } = parseHtml(fixture('page.html'));
    expect(text).not.toMatch(
      /tracking|color: red|Home|Docs|Billing FAQ|Enable JavaScript/,
    );
  });

  it('keeps inline text next to block elements in order', () => {
    const doc = htmlToDocument(
      '<div>before <span>inline <em>emphasis</em></span><p>para</p>after</div>',
    );
    expect(outline(doc)).toEqual([
      ['paragraph', 'before inline emphasis'],
      ['paragraph', 'para'],
      ['paragraph', 'after'],
    ]);
  });

  it('decodes numeric entities and honours a declared charset', () => {
    expect(
      htmlToDocument('<p>&#1587;&#1604;&#1575;&#1605; &#x263A;</p>').text,
    ).toBe('سلام ☺');
    // "سلام" in windows-1256, the legacy Persian/Arabic code page.
    const bytes = Buffer.concat([
      Buffer.from('<meta charset="windows-1256"><p>'),
      Buffer.from([0xd3, 0xe1, 0xc7, 0xe3]),
      Buffer.from('</p>'),
    ]);
    expect(parseHtml(bytes).text).toBe('سلام');
    expect(
      parseHtml(bytes.subarray(29), { charset: 'windows-1256' }).text,
    ).toBe('سلام');
  });

  it('rejects bytes that are not valid UTF-8', () => {
    const bytes = Buffer.from([0x3c, 0x70, 0x3e, 0xff, 0xfe, 0x41]);
    expect(() => parseHtml(bytes)).toThrow(UnreadableDocumentError);
    expect(() => parseHtml(bytes)).toThrow(/not valid utf-8/i);
  });
});
