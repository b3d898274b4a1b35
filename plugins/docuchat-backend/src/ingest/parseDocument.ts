import { UnreadableDocumentError } from './errors';
import { resolveNonEmpty } from './checkUpload';
import { DocumentFormat } from './mediaTypes';
import { parseDocx } from './parseDocx';
import { parseHtml } from './parseHtml';
import { parseMarkdown } from './parseMarkdown';
import { parsePdf } from './parsePdf';
import { DEFAULT_PARSE_LIMITS, ParseLimits } from './parseLimits';
import { parsePlainText } from './parsePlainText';
import { assertRunsWithin } from './textLimits';
import { ParsedDocument } from './types';

export interface ParseDocumentOptions {
  /** The upload's Content-Type, parameters allowed (`text/html; charset=…`). */
  contentType?: string;
  /** Consulted for the format only when the type is application/octet-stream. */
  fileName?: string;
  /** What the document may cost; DEFAULT_PARSE_LIMITS when absent. */
  limits?: ParseLimits;
}

/**
 * Parses an uploaded document into text and blocks. Throws
 * `UnsupportedMediaTypeError` (415) for a type we do not parse,
 * `UnreadableDocumentError` (422) for a supported type that yields no text
 * and `DocumentLimitError` (422) for one over a limit.
 */
export async function parseDocument(
  bytes: Uint8Array,
  options: ParseDocumentOptions,
): Promise<ParsedDocument> {
  const { format, charset } = resolveNonEmpty(bytes, options);
  const limits = options.limits ?? DEFAULT_PARSE_LIMITS;
  const parsed = await parse(format, bytes, charset, limits);
  if (parsed.blocks.length === 0) {
    throw new UnreadableDocumentError(
      'no-text',
      'The document contains no text (only whitespace or markup)',
    );
  }
  // On the extracted text of every format, before anything tokenizes it;
  // markup the parsers drop (a data: URI in an image, a minified script)
  // does not count.
  assertRunsWithin(parsed.text, limits.maxRunCharacters);
  return parsed;
}

function parse(
  format: DocumentFormat,
  bytes: Uint8Array,
  charset: string | undefined,
  limits: ParseLimits,
): ParsedDocument | Promise<ParsedDocument> {
  switch (format) {
    case 'markdown':
      return parseMarkdown(bytes, { charset, limits });
    case 'text':
      return parsePlainText(bytes, { charset });
    case 'html':
      return parseHtml(bytes, { charset, limits });
    case 'pdf':
      return parsePdf(bytes, { maxPages: limits.maxPdfPages });
    case 'docx':
      return parseDocx(bytes, limits);
    default:
      throw new Error(`No parser for format ${format satisfies never}`);
  }
}
