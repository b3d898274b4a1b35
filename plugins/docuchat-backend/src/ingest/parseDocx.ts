import { UnreadableDocumentError } from './errors';
import { htmlToDocument } from './parseHtml';
import { DEFAULT_PARSE_LIMITS, ParseLimits } from './parseLimits';
import { ParsedDocument } from './types';
import { assertZipWithin } from './zipLimits';

// Mammoth's defaults map Word's built-in heading, list and table styles to
// HTML. Code has no built-in Word style; these common names become <pre>,
// consecutive paragraphs joined into one block.
const STYLE_MAP = [
  "p[style-name='Code'] => pre:separator('\\n')",
  "p[style-name='Code Block'] => pre:separator('\\n')",
  "p[style-name='Source Code'] => pre:separator('\\n')",
  "p[style-name='HTML Preformatted'] => pre:separator('\\n')",
];

/**
 * DOCX → HTML (mammoth) → the HTML parser, so Word headings become heading
 * blocks and drive heading paths, and lists and tables keep their shape.
 * The archive is checked first (inflated size, XML depth): mammoth trusts
 * both.
 */
export async function parseDocx(
  bytes: Uint8Array,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Promise<ParsedDocument> {
  assertZipWithin(bytes, limits);
  // Loaded on first use: a quarter of a parser worker's start-up otherwise,
  // for the one format that needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mammoth: typeof import('mammoth') = require('mammoth');
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap: STYLE_MAP,
        // Images contribute no text; without this mammoth inlines each one
        // as a base64 data URI that we would only parse and throw away.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
        // A DOCX may link external files; never read the server's disk.
        externalFileAccess: false,
      },
    );
    html = result.value;
  } catch (error) {
    throw new UnreadableDocumentError(
      'corrupt',
      'The file is not a readable DOCX document (corrupt, or not a Word 2007+ .docx file)',
      error,
    );
  }
  const parsed = htmlToDocument(html, limits);
  if (parsed.blocks.length === 0) {
    throw new UnreadableDocumentError(
      'no-text',
      'The DOCX document contains no text',
    );
  }
  return parsed;
}
