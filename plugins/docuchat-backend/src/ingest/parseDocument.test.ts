import { PDFDocument, StandardFonts } from 'pdf-lib';
import { UnreadableDocumentError, UnsupportedMediaTypeError } from './errors';
import { parseDocument } from './parseDocument';
import { fixture, outline } from './__testUtils__/testHelpers';

const DOCX =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

async function tinyPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage().drawText('Hello PDF', { x: 50, y: 700, size: 12, font });
  return Buffer.from(await pdf.save());
}

describe('parseDocument', () => {
  it('dispatches by content type, ignoring case and parameters', async () => {
    const md = fixture('guide.md');
    const asMarkdown = await parseDocument(md, {
      contentType: 'Text/Markdown; charset=UTF-8',
    });
    expect(asMarkdown.blocks[0]).toMatchObject({ kind: 'heading', level: 1 });
    // The same bytes as text/plain: no headings are guessed.
    const asText = await parseDocument(md, {
      contentType: 'text/plain',
      fileName: 'guide.md',
    });
    expect(asText.blocks.some(b => b.kind === 'heading')).toBe(false);
    expect(asText.text).toContain('# Operations Guide');
  });

  it.each([
    ['guide.md', 'heading'],
    ['notes.txt', 'paragraph'],
    ['page.html', 'heading'],
  ])(
    'falls back to the extension of %s for application/octet-stream',
    async (name, kind) => {
      const doc = await parseDocument(fixture(name), {
        contentType: 'application/octet-stream',
        fileName: `Uploaded.${name.split('.')[1].toUpperCase()}`,
      });
      expect(doc.blocks[0].kind).toBe(kind);
    },
  );

  it('parses PDFs by type and by extension', async () => {
    const pdf = await tinyPdf();
    for (const options of [
      { contentType: 'application/pdf' },
      { contentType: 'application/octet-stream', fileName: 'scan.pdf' },
    ]) {
      expect(outline(await parseDocument(pdf, options))).toEqual([
        ['paragraph', 'Hello PDF'],
      ]);
    }
  });

  it('rejects an unknown type with the supported types in the message', async () => {
    const error = await parseDocument(Buffer.from('x'), {
      contentType: 'application/msword',
      fileName: 'old.doc',
    }).catch(e => e);
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(error.name).toBe('UnsupportedMediaTypeError');
    expect(error.mediaType).toBe('application/msword');
    expect(error.message).toContain("'application/msword'");
    for (const type of [
      'text/markdown',
      'text/plain',
      'text/html',
      'application/pdf',
      DOCX,
    ]) {
      expect(error.message).toContain(type);
    }
  });

  it('rejects application/octet-stream with an unknown or missing extension', async () => {
    await expect(
      parseDocument(Buffer.from('x'), {
        contentType: 'application/octet-stream',
        fileName: 'archive.zip',
      }),
    ).rejects.toThrow(/application\/octet-stream.*'\.zip'/);
    await expect(
      parseDocument(Buffer.from('x'), {
        contentType: 'application/octet-stream',
      }),
    ).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
  });

  it('rejects an empty upload as unreadable, for every format', async () => {
    for (const contentType of [
      'text/markdown',
      'text/plain',
      'text/html',
      'application/pdf',
      DOCX,
    ]) {
      const error = await parseDocument(Buffer.alloc(0), { contentType }).catch(
        e => e,
      );
      expect(error).toBeInstanceOf(UnreadableDocumentError);
      expect(error.reason).toBe('empty');
      expect(error.message).toMatch(/empty/);
    }
  });

  it('rejects documents with nothing but whitespace or markup', async () => {
    for (const [contentType, body] of [
      ['text/plain', ' \n\n\t \n'],
      ['text/markdown', '---\n\n[ref]: https://example.com\n'],
      [
        'text/html',
        '<html><head><title>t</title></head><body><script>x()</script></body></html>',
      ],
    ]) {
      const error = await parseDocument(Buffer.from(body), {
        contentType,
      }).catch(e => e);
      expect(error).toBeInstanceOf(UnreadableDocumentError);
      expect(error.reason).toBe('no-text');
    }
  });

  it('reports an unsupported type before looking at the bytes', async () => {
    await expect(
      parseDocument(Buffer.alloc(0), { contentType: 'image/png' }),
    ).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
  });
});
