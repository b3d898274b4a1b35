import { UnreadableDocumentError } from './errors';
import { parsePlainText } from './parsePlainText';
import { expectConsistentOffsets, fixture, outline } from './testHelpers';

describe('parsePlainText', () => {
  it('splits paragraphs on blank lines and detects no structure', () => {
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
