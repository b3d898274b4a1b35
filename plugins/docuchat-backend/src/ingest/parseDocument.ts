import { UnreadableDocumentError } from './errors';
import { DocumentFormat, resolveFormat } from './mediaTypes';
import { parseDocx } from './parseDocx';
import { parseHtml } from './parseHtml';
import { parseMarkdown } from './parseMarkdown';
import { parsePdf } from './parsePdf';
import { parsePlainText } from './parsePlainText';
import { ParsedDocument } from './types';

export interface ParseDocumentOptions {
  /** The upload's Content-Type, parameters allowed (`text/html; charset=…`). */
  contentType?: string;
  /** Consulted for the format only when the type is application/octet-stream. */
  fileName?: string;
}

/**
 * Parses an uploaded document into text and blocks. Throws
 * `UnsupportedMediaTypeError` (415) for a type we do not parse and
 * `UnreadableDocumentError` (422) for a supported type that yields no text.
 */
export async function parseDocument(
  bytes: Uint8Array,
  options: ParseDocumentOptions,
): Promise<ParsedDocument> {
  // Resolve first: an empty upload of an unsupported type is a 415.
  const { format, charset } = resolveFormat(
    options.contentType,
    options.fileName,
  );
  if (bytes.byteLength === 0) {
    throw new UnreadableDocumentError(
      'empty',
      'The document is empty (0 bytes)',
    );
  }
  const parsed = await parse(format, bytes, charset);
  if (parsed.blocks.length === 0) {
    throw new UnreadableDocumentError(
      'no-text',
      'The document contains no text (only whitespace or markup)',
    );
  }
  return parsed;
}

function parse(
  format: DocumentFormat,
  bytes: Uint8Array,
  charset: string | undefined,
): ParsedDocument | Promise<ParsedDocument> {
  switch (format) {
    case 'markdown':
      return parseMarkdown(bytes, { charset });
    case 'text':
      return parsePlainText(bytes, { charset });
    case 'html':
      return parseHtml(bytes, { charset });
    case 'pdf':
      return parsePdf(bytes);
    case 'docx':
      return parseDocx(bytes);
    default:
      throw new Error(`No parser for format ${format satisfies never}`);
  }
}
