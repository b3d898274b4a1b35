import { isUtf8 } from 'node:buffer';
import { UnreadableDocumentError } from './errors';

/**
 * Turns the bytes of a text format (Markdown, plain text, HTML) into a string.
 *
 * Strict on purpose: a wrong guess at an encoding silently stores mojibake
 * that no one can search, so invalid bytes are an error (422) rather than
 * U+FFFD replacement characters. A byte-order mark wins over everything (it is
 * unambiguous, and Windows editors write UTF-16 with one); then the `charset`
 * parameter of the content type (legacy Persian pages use windows-1256);
 * otherwise UTF-8.
 */
export function decodeText(bytes: Uint8Array, charset?: string): string {
  const { encoding, offset } = detectEncoding(bytes, charset);
  let decoder: TextDecoder;
  try {
    // ignoreBOM: the BOM was already skipped by `offset`.
    decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  } catch (error) {
    throw new UnreadableDocumentError(
      'encoding',
      `Unknown character encoding '${encoding}'`,
      error,
    );
  }
  let text: string;
  try {
    text = decoder.decode(bytes.subarray(offset));
  } catch (error) {
    throw new UnreadableDocumentError(
      'encoding',
      `The document is not valid ${decoder.encoding} text (a binary file, or a different character encoding)`,
    );
  }
  // Valid UTF-8 can still contain NUL, which never occurs in real text files
  // and which PostgreSQL `text` columns reject: it means a binary upload.
  if (text.includes('\u0000')) {
    throw new UnreadableDocumentError(
      'encoding',
      'The document contains NUL characters: it looks like a binary file, not text',
    );
  }
  return text;
}

/**
 * Throws what `decodeText` would throw, without building the string when
 * the text is UTF-8 (nearly always): a validation pass over the bytes takes
 * a few milliseconds for 20 MB where decoding takes about 100, and this runs
 * on the request path.
 */
export function assertDecodable(bytes: Uint8Array, charset?: string): void {
  const { encoding, offset } = detectEncoding(bytes, charset);
  if (!/^utf-?8$/.test(encoding)) {
    decodeText(bytes, charset);
    return;
  }
  const body = bytes.subarray(offset);
  if (!isUtf8(body)) {
    throw new UnreadableDocumentError(
      'encoding',
      'The document is not valid utf-8 text (a binary file, or a different character encoding)',
    );
  }
  if (body.indexOf(0) >= 0) {
    throw new UnreadableDocumentError(
      'encoding',
      'The document contains NUL characters: it looks like a binary file, not text',
    );
  }
}

function detectEncoding(
  bytes: Uint8Array,
  charset: string | undefined,
): { encoding: string; offset: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { encoding: 'utf-8', offset: 3 };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { encoding: 'utf-16le', offset: 2 };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { encoding: 'utf-16be', offset: 2 };
  }
  return { encoding: charset?.trim().toLowerCase() || 'utf-8', offset: 0 };
}
