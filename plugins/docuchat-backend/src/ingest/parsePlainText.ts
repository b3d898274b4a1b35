import { decodeText } from './decodeText';
import { DocumentBuilder } from './documentBuilder';
import { ParsedDocument } from './types';

/**
 * Plain text → paragraphs separated by blank lines. No structure is guessed
 * (no headings from underlines or capitals): a wrong guess would give chunks
 * misleading heading paths, and a plain text file promises none.
 */
export function parsePlainText(
  bytes: Uint8Array,
  options: { charset?: string } = {},
): ParsedDocument {
  const text = decodeText(bytes, options.charset).replace(/\r\n?/g, '\n');
  const builder = new DocumentBuilder();
  for (const paragraph of text.split(/\n[ \t]*\n/)) {
    builder.add('paragraph', paragraph);
  }
  return builder.build();
}
