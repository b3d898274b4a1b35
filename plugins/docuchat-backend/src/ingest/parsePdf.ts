import { extractTextItems, getDocumentProxy } from 'unpdf';
import { DocumentBuilder } from './documentBuilder';
import { UnreadableDocumentError } from './errors';
import { DocumentLimitError, formatCount } from './parseLimits';
import { PdfParagraph, pdfPageParagraphs } from './pdfLayout';
import { ensurePdfjsLoaded } from './pdfjsOffline';
import { ParsedDocument } from './types';

/**
 * PDF → structured plain text with unpdf (PDF.js). Text is extracted per page
 * and paragraphs rebuilt from line positions (see pdfLayout). Short lines set
 * clearly larger than the body text become headings, so PDFs get heading
 * paths too. Tables and lists are not recognised: PDF does not mark them.
 */
export async function parsePdf(
  bytes: Uint8Array,
  options: { maxPages?: number } = {},
): Promise<ParsedDocument> {
  await ensurePdfjsLoaded();
  // PDF.js transfers (detaches) the buffer it is given; copy so the caller's
  // bytes stay usable (a Node Buffer may even share a pooled ArrayBuffer).
  const data = new Uint8Array(bytes);
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(data, {
      verbosity: 0, // errors only: PDF.js logs warnings with console.log
      // Text extraction needs no glyphs: never build font faces or look
      // for system fonts.
      disableFontFace: true,
      useSystemFonts: false,
    });
  } catch (error) {
    throw openError(error);
  }
  let pages: PdfParagraph[][];
  try {
    // Opening reads the cross-reference table and the page count, not the
    // pages; extractTextItems then loads and parses every page, so the
    // count is checked in between.
    const maxPages = options.maxPages ?? Infinity;
    if (pdf.numPages > maxPages) {
      throw new DocumentLimitError(
        'pdf-pages',
        `The PDF has ${formatCount(
          pdf.numPages,
        )} pages; the limit is ${formatCount(maxPages)}`,
      );
    }
    const { items } = await extractTextItems(pdf);
    pages = items.map(pdfPageParagraphs);
  } catch (error) {
    if (error instanceof DocumentLimitError) throw error;
    throw new UnreadableDocumentError(
      'corrupt',
      'The PDF could not be read: it is damaged',
      error,
    );
  } finally {
    // Frees the document and its in-process worker state.
    await pdf.loadingTask.destroy();
  }

  const builder = new DocumentBuilder();
  const headingLevel = headingLevels(pages.flat());
  for (const paragraph of pages.flat()) {
    const level = headingLevel(paragraph);
    if (level) {
      builder.add('heading', paragraph.text, { level });
    } else {
      builder.add('paragraph', paragraph.text);
    }
  }
  if (builder.blockCount === 0) {
    throw new UnreadableDocumentError(
      'no-text',
      `The PDF has ${pagesLabel(
        pages.length,
      )} but no extractable text: it is probably scanned or made of images (OCR is not supported)`,
    );
  }
  return builder.build();
}

function pagesLabel(pageCount: number): string {
  return pageCount === 1 ? '1 page' : `${pageCount} pages`;
}

function openError(error: unknown): UnreadableDocumentError {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'PasswordException') {
    return new UnreadableDocumentError(
      'encrypted',
      'The PDF is password-protected; upload an unprotected copy',
    );
  }
  return new UnreadableDocumentError(
    'corrupt',
    'The file is not a readable PDF (corrupt or not a PDF)',
    error,
  );
}

// Longer than this, a large-font paragraph is body text (a pull quote, a
// large-print document), not a heading.
const MAX_HEADING_CHARS = 200;
const MAX_HEADING_LINES = 3;
// At least this much larger than the body text to count as a heading.
const HEADING_RATIO = 1.15;

/**
 * Decides heading levels from font sizes: the body size is the size carrying
 * the most characters; distinct larger sizes of short paragraphs rank as
 * heading levels 1, 2, 3 … from the largest down (at most 6).
 */
function headingLevels(
  paragraphs: PdfParagraph[],
): (paragraph: PdfParagraph) => number | undefined {
  const round = (size: number) => Math.round(size * 2) / 2;
  const charsBySize = new Map<number, number>();
  for (const { text, fontSize } of paragraphs) {
    const size = round(fontSize);
    charsBySize.set(size, (charsBySize.get(size) ?? 0) + text.length);
  }
  let body = 0;
  let most = -1;
  for (const [size, chars] of charsBySize) {
    if (chars > most) {
      body = size;
      most = chars;
    }
  }
  const isHeading = (p: PdfParagraph) =>
    round(p.fontSize) >= body * HEADING_RATIO &&
    p.text.length <= MAX_HEADING_CHARS &&
    p.lineCount <= MAX_HEADING_LINES;
  const sizes = [
    ...new Set(paragraphs.filter(isHeading).map(p => round(p.fontSize))),
  ].sort((a, b) => b - a);
  return p =>
    isHeading(p)
      ? Math.min(6, sizes.indexOf(round(p.fontSize)) + 1)
      : undefined;
}
