import { CustomErrorBase } from '@backstage/errors';

/**
 * What one document may cost to parse and chunk. Every limit is checked
 * before the work it bounds (a PDF's page count before pdf.js walks the
 * pages, a ZIP member's size while it inflates, nesting depth before a
 * recursive walk or parser sees the tree), so an upload made to be
 * expensive fails fast with a reason instead of holding a worker until its
 * timeout.
 */
export interface ParseLimits {
  /** Pages of a PDF. */
  maxPdfPages: number;
  /** Bytes all members of a DOCX (a ZIP archive) inflate to, together. */
  maxInflatedBytes: number;
  /**
   * Elements nested inside each other: HTML elements, a DOCX's XML
   * elements, Markdown block quotes, lists and emphasis.
   */
  maxNestingDepth: number;
  /** Characters in a row without whitespace. */
  maxRunCharacters: number;
  /** Chunks one document may make. */
  maxChunks: number;
}

const MB = 1024 * 1024;

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  // A long manual; a 20,000-page upload is a scanned archive or an attack.
  maxPdfPages: 2000,
  // A 20 MB DOCX of plain text inflates to about 100-200 MB of XML at most
  // when it is mostly images (which do not compress); text-only XML
  // compresses about 10:1.
  maxInflatedBytes: 100 * MB,
  // Browsers stop nesting at 512; real pages and Word documents stay far
  // below 100. Our own walks and marked recurse once per level.
  maxNestingDepth: 256,
  // The tokenizer's cost grows with the square of a run's length (about
  // 30 ms at 10,000 letters, 4.6 s at 100,000): long URLs, hashes and
  // identifiers fit, a base64 blob or a megabyte without a space does not.
  maxRunCharacters: 10_000,
  // 5,000 chunks of 400 tokens: two million tokens, a book of several
  // thousand pages. More is rarely one document worth chatting with.
  maxChunks: 5000,
};

/**
 * The limits by name, as they appear in metrics (`reason`) and in the
 * config keys under `docuchat.ingestion.limits`.
 */
export type LimitName =
  | 'pdf-pages'
  | 'inflated-bytes'
  | 'nesting-depth'
  | 'run-length'
  | 'chunks'
  | 'timeout'
  | 'memory';

/** The config key of each limit, for messages that say what to raise. */
export const LIMIT_CONFIG_KEYS: Record<LimitName, string> = {
  'pdf-pages': 'docuchat.ingestion.limits.maxPdfPages',
  'inflated-bytes': 'docuchat.ingestion.limits.maxInflatedMegabytes',
  'nesting-depth': 'docuchat.ingestion.limits.maxNestingDepth',
  'run-length': 'docuchat.ingestion.limits.maxRunCharacters',
  chunks: 'docuchat.ingestion.limits.maxChunksPerDocument',
  timeout: 'docuchat.ingestion.limits.parseTimeoutSeconds',
  memory: 'docuchat.ingestion.limits.parserHeapMegabytes',
};

/**
 * A document went over one of the ingestion limits. It ends `failed` with
 * this message, which names the limit and its config key; should it ever
 * reach an HTTP response it is a 422, never a 500.
 */
export class DocumentLimitError extends CustomErrorBase {
  name = 'DocumentLimitError' as const;
  readonly statusCode = 422;

  /**
   * `configurable: false` for a bound that is a parser's capacity rather
   * than a setting: the message then names no config key.
   */
  constructor(
    readonly limit: LimitName,
    message: string,
    options: { configurable?: boolean } = {},
  ) {
    super(
      options.configurable === false
        ? message
        : `${message} (${LIMIT_CONFIG_KEYS[limit]})`,
    );
  }
}

/** `12345` → `12,345`, for limit messages. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
