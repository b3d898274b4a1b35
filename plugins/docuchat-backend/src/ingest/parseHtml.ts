import { decodeText } from './decodeText';
import { DocumentBuilder } from './documentBuilder';
import { addHtmlBlocks } from './htmlBlocks';
import { DEFAULT_PARSE_LIMITS, ParseLimits } from './parseLimits';
import { ParsedDocument } from './types';

/**
 * HTML → structured plain text (see htmlBlocks for what becomes a block).
 * The bytes are decoded strictly: a byte-order mark, else the content type's
 * charset, else a `<meta charset>`, else UTF-8.
 */
export function parseHtml(
  bytes: Uint8Array,
  options: { charset?: string; limits?: ParseLimits } = {},
): ParsedDocument {
  const html = decodeText(bytes, options.charset ?? sniffMetaCharset(bytes));
  return htmlToDocument(html, options.limits);
}

/** The string half of `parseHtml`, for HTML produced in memory (DOCX). */
export function htmlToDocument(
  html: string,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ParsedDocument {
  const builder = new DocumentBuilder();
  addHtmlBlocks(builder, html, limits);
  return builder.build();
}

/**
 * Finds `<meta charset=…>` (or the http-equiv form) in the first kilobyte, as
 * browsers do, for pages uploaded without a charset in their content type.
 */
export function sniffMetaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1];
}
