import { UnreadableDocumentError } from './errors';
import { parsePlainText, plainTextToDocument } from './parsePlainText';
import {
  expectConsistentOffsets,
  fixture,
  outline,
} from './__testUtils__/testHelpers';

describe('parsePlainText', () => {
  it('splits paragraphs on blank lines and guesses no headings', () => {
    const doc = parsePlainText(fixture('notes.txt'));
    expect(outline(doc)).toEqual([
      [
        'paragraph',
        'Plain notes, first paragraph.\nStill the first paragraph.',
      ],
      ['paragraph', '# Not a heading in plain text'],
      [
        'paragraph',
        'سلام! این یک پاراگراف فارسی است. آیا فاکتورها به تومان نمایش داده می\u200cشوند؟ بله.',
      ],
    ]);
    expectConsistentOffsets(doc);
  });

  it('joins wrapped prose and keeps list items, code and table rows apart', () => {
    const text = [
      'Run the portal on its embedded defaults (SQLite in memory, guest sign-in, no',
      'OpenAI key); the app listens on port 3000 and the backend on 7007.',
      '',
      '- Everything, as CI does: run the whole suite with the script',
      '  that starts the database servers.',
      '- One package: its own tests.',
      '  1. nested',
      '',
      '```bash',
      './scripts/test-all.sh',
      '',
      'echo done',
      '```',
      '',
      '    indented code',
      '',
      '| key | default |',
      '| --- | ------- |',
      '| k   | 6       |',
      '',
      'Short lines',
      'stay apart.',
    ].join('\n');
    const doc = plainTextToDocument(text);
    expect(outline(doc)).toEqual([
      [
        'paragraph',
        'Run the portal on its embedded defaults (SQLite in memory, guest sign-in, no OpenAI key); the app listens on port 3000 and the backend on 7007.',
      ],
      [
        'list-item',
        '- Everything, as CI does: run the whole suite with the script that starts the database servers.',
      ],
      ['list-item', '- One package: its own tests.'],
      ['list-item', '  1. nested'],
      ['code', '```bash\n./scripts/test-all.sh\n\necho done\n```'],
      ['code', '    indented code'],
      ['table-row', 'key | default'],
      ['table-row', 'k | 6'],
      ['paragraph', 'Short lines\nstay apart.'],
    ]);
    expectConsistentOffsets(doc);
  });

  it('keeps a line break that was meant inside wide prose', () => {
    const doc = plainTextToDocument(
      'A line that is long enough to be wrapped prose, ending here.\nNext.\nA second line that continues the paragraph after a meant break, and goes on',
    );
    expect(doc.text).toBe(
      'A line that is long enough to be wrapped prose, ending here.\nNext.\nA second line that continues the paragraph after a meant break, and goes on',
    );
  });

  it('normalises CRLF, strips a BOM and collapses runs of blank lines', () => {
    const bytes = Buffer.from('\ufeffone\r\ntwo\r\n\r\n\r\n  \r\nthree\r\n');
    const doc = parsePlainText(bytes);
    expect(doc.text).toBe('one\ntwo\n\nthree');
    expectConsistentOffsets(doc);
  });

  it('reads UTF-16 with a byte-order mark', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('سلام\n\nworld', 'utf16le'),
    ]);
    expect(outline(parsePlainText(utf16))).toEqual([
      ['paragraph', 'سلام'],
      ['paragraph', 'world'],
    ]);
  });

  it('rejects invalid UTF-8 and binary content with a reason', () => {
    const latin1 = Buffer.from('caf\xe9', 'latin1');
    expect(() => parsePlainText(latin1)).toThrow(UnreadableDocumentError);
    expect(() => parsePlainText(latin1)).toThrow(/not valid utf-8/i);
    const binary = () => parsePlainText(Buffer.from([0x68, 0x00, 0x69]));
    expect(binary).toThrow(UnreadableDocumentError);
    expect(binary).toThrow(/binary/);
    expect(binary).toThrow(expect.objectContaining({ reason: 'encoding' }));
  });

  it('removes control characters that PostgreSQL or displays choke on', () => {
    const doc = parsePlainText(Buffer.from('a\u0007b\u001bc\td'));
    expect(doc.text).toBe('abc\td');
  });
});
