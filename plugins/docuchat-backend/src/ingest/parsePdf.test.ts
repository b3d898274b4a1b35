import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { UnreadableDocumentError } from './errors';
import { parsePdf } from './parsePdf';
import { expectConsistentOffsets, outline } from './__testUtils__/testHelpers';

type Line = { text: string; y: number; size: number };

/** A real PDF written by pdf-lib with a standard (non-embedded) font. */
async function makePdf(pages: Line[][]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([612, 792]);
    for (const { text, y, size } of lines) {
      page.drawText(text, { x: 72, y, size, font });
    }
  }
  return Buffer.from(await pdf.save());
}

const report: Line[][] = [
  [
    { text: 'Annual Report', y: 720, size: 22 },
    {
      text: 'Usage grew steadily through the year and billing',
      y: 680,
      size: 11,
    },
    { text: 'moved to daily invoices for every tenant.', y: 667, size: 11 },
    { text: 'Payments are verified with the gateway.', y: 630, size: 11 },
  ],
  [
    { text: 'Outlook', y: 720, size: 16 },
    { text: 'Next year brings pgvector everywhere.', y: 690, size: 11 },
  ],
];

describe('parsePdf', () => {
  it('extracts per page, rebuilding paragraphs from lines and headings from font sizes', async () => {
    const doc = await parsePdf(await makePdf(report));
    expect(outline(doc)).toEqual([
      ['h1', 'Annual Report'],
      [
        'paragraph',
        'Usage grew steadily through the year and billing moved to daily invoices for every tenant.',
      ],
      ['paragraph', 'Payments are verified with the gateway.'],
      ['h2', 'Outlook'],
      ['paragraph', 'Next year brings pgvector everywhere.'],
    ]);
    expectConsistentOffsets(doc);
  });

  it('works offline: no fetch for a worker, fonts or CMaps', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await parsePdf(await makePdf(report));
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('leaves the caller’s buffer intact (PDF.js detaches what it is given)', async () => {
    const bytes = await makePdf(report);
    const copy = Buffer.from(bytes);
    await parsePdf(bytes);
    expect(bytes.equals(copy)).toBe(true);
    // …and the same buffer parses again.
    await expect(parsePdf(bytes)).resolves.toMatchObject({
      blocks: expect.any(Array),
    });
  });

  it('reports an image-only (scanned) PDF as having no extractable text', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage().drawRectangle({
      x: 50,
      y: 50,
      width: 200,
      height: 100,
      color: rgb(0.2, 0.2, 0.2),
    });
    const bytes = Buffer.from(await pdf.save());
    const error = await parsePdf(bytes).catch(e => e);
    expect(error).toBeInstanceOf(UnreadableDocumentError);
    expect(error.reason).toBe('no-text');
    expect(error.message).toMatch(/1 page but no extractable text.*scanned/);
  });

  it.each([
    ['random bytes', Buffer.from('this is not a pdf at all, just text')],
    [
      'a PDF header followed by garbage',
      Buffer.from('%PDF-1.7\n%garbage\n1 0 obj <<'),
    ],
  ])('reports %s as a corrupt PDF', async (_name, bytes) => {
    const error = await parsePdf(bytes).catch(e => e);
    expect(error).toBeInstanceOf(UnreadableDocumentError);
    expect(error.reason).toBe('corrupt');
    expect(error.message).toMatch(/not a readable PDF/);
  });
});
