import { assertDecodable } from './decodeText';
import { UnreadableDocumentError } from './errors';
import { DocumentFormat, resolveFormat, ResolvedFormat } from './mediaTypes';
import { sniffMetaCharset } from './parseHtml';

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * The upload's format (415 when we parse no such type), and a 422 when it
 * is empty: type first, so an empty upload of an unsupported type is a 415.
 */
export function resolveNonEmpty(
  bytes: Uint8Array,
  options: { contentType?: string; fileName?: string },
): ResolvedFormat {
  const resolved = resolveFormat(options.contentType, options.fileName);
  if (bytes.byteLength === 0) {
    throw new UnreadableDocumentError(
      'empty',
      'The document is empty (0 bytes)',
    );
  }
  return resolved;
}

/**
 * The checks an upload gets on the request path, before it is stored and
 * answered 202: each takes a few milliseconds at most, whatever the bytes,
 * so they run on the event loop. Parsing (and every limit that needs it)
 * happens later in a parser worker. Throws what the parsers would throw
 * for the same faults: 415 for a type we do not parse, 422 for an empty
 * file, text that is not valid in its encoding, or a PDF or DOCX without
 * its format's signature.
 */
export function checkUpload(
  bytes: Uint8Array,
  options: { contentType?: string; fileName?: string },
): DocumentFormat {
  const { format, charset } = resolveNonEmpty(bytes, options);
  switch (format) {
    case 'markdown':
    case 'text':
      assertDecodable(bytes, charset);
      break;
    case 'html':
      assertDecodable(bytes, charset ?? sniffMetaCharset(bytes));
      break;
    case 'pdf':
      // PDF readers accept the header anywhere in the first kilobyte.
      if (!Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-')) {
        throw new UnreadableDocumentError(
          'corrupt',
          'The file is not a readable PDF (corrupt or not a PDF)',
        );
      }
      break;
    case 'docx':
      if (!Buffer.from(bytes.subarray(0, 4)).equals(ZIP_SIGNATURE)) {
        throw new UnreadableDocumentError(
          'corrupt',
          'The file is not a readable DOCX document (corrupt, or not a Word 2007+ .docx file)',
        );
      }
      break;
    default:
      throw new Error(`No check for format ${format satisfies never}`);
  }
  return format;
}
