import { UnsupportedMediaTypeError } from './errors';

/** The formats the parsers understand. */
export type DocumentFormat = 'markdown' | 'text' | 'html' | 'pdf' | 'docx';

const DOCX_TYPE =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const FORMAT_BY_TYPE: Record<string, DocumentFormat> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  [DOCX_TYPE]: 'docx',
};

const FORMAT_BY_EXTENSION: Record<string, DocumentFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  text: 'text',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  pdf: 'pdf',
  docx: 'docx',
};

/** What the 415 message lists: one canonical type per format. */
export const SUPPORTED_MEDIA_TYPES: readonly string[] = [
  'text/markdown',
  'text/plain',
  'text/html',
  'application/pdf',
  DOCX_TYPE,
];

// Types that say "unknown bytes": only then does the file name decide.
// Browsers and curl send these for files whose type they cannot guess.
const GENERIC_TYPES = new Set(['', 'application/octet-stream']);

export interface ResolvedFormat {
  format: DocumentFormat;
  /** The `charset` parameter of the content type, if any. */
  charset?: string;
}

/**
 * Picks the parser for an upload from its content type; the file extension
 * is consulted only for `application/octet-stream` (or a missing type). A
 * specific type is trusted over the name, so `text/plain` named `x.md` is
 * parsed as plain text.
 */
export function resolveFormat(
  contentType: string | undefined,
  fileName: string | undefined,
): ResolvedFormat {
  const { mediaType, charset } = parseContentType(contentType ?? '');
  if (!GENERIC_TYPES.has(mediaType)) {
    const format = FORMAT_BY_TYPE[mediaType];
    if (!format) {
      throw new UnsupportedMediaTypeError(mediaType, SUPPORTED_MEDIA_TYPES);
    }
    return { format, charset };
  }
  const extension = /\.([^./\\]+)$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  const format = extension ? FORMAT_BY_EXTENSION[extension] : undefined;
  if (!format) {
    throw new UnsupportedMediaTypeError(
      mediaType || 'application/octet-stream',
      SUPPORTED_MEDIA_TYPES,
      extension
        ? `file extension '.${extension}' is not recognised either`
        : 'and the file name has no recognised extension',
    );
  }
  return { format, charset };
}

/** `Text/HTML; Charset="UTF-8"` → `{ mediaType: 'text/html', charset: 'UTF-8' }`. */
function parseContentType(contentType: string): {
  mediaType: string;
  charset?: string;
} {
  const [type, ...params] = contentType.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const match = /^\s*charset\s*=\s*"?([^";]+)"?\s*$/i.exec(param);
    if (match) {
      charset = match[1].trim();
    }
  }
  return { mediaType: type.trim().toLowerCase(), charset };
}
