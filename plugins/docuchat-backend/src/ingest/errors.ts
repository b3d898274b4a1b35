import { CustomErrorBase } from '@backstage/errors';

/**
 * The upload's media type is not one we can parse. The HTTP layer maps it to
 * 415; the message names the type and the supported ones so a client can fix
 * its request without reading docs.
 */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  // Explicit, because bundlers may rename classes and `name` is what callers
  // (and Backstage's error serialiser) match on.
  name = 'UnsupportedMediaTypeError' as const;
  /** Read by Backstage's error middleware. */
  readonly statusCode = 415;

  constructor(
    readonly mediaType: string,
    readonly supported: readonly string[],
    detail?: string,
  ) {
    super(
      `Unsupported media type '${mediaType}'${
        detail ? ` (${detail})` : ''
      }; supported types: ${supported.join(', ')}`,
    );
  }
}

/**
 * Why a document of a supported type still yields nothing to index. A stable
 * code lets the API and the UI react without parsing messages.
 */
export type UnreadableReason =
  | 'empty'
  | 'no-text'
  | 'corrupt'
  | 'encoding'
  | 'encrypted';

/**
 * The document has a supported type but cannot be turned into text: empty,
 * image-only (scanned PDF), corrupt, password-protected, or not valid text in
 * its declared encoding. The HTTP layer maps it to 422 with the message.
 */
export class UnreadableDocumentError extends CustomErrorBase {
  name = 'UnreadableDocumentError' as const;
  readonly statusCode = 422;

  constructor(
    readonly reason: UnreadableReason,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause);
  }
}

/**
 * The upload is larger than the configured limit (→ 413). `actualBytes` is
 * unknown when the limit stopped a stream before its end.
 */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  readonly statusCode = 413;

  constructor(
    readonly actualBytes: number | undefined,
    readonly limitBytes: number,
  ) {
    const limit = `${formatMegabytes(limitBytes)} (${limitBytes} bytes)`;
    super(
      actualBytes === undefined
        ? `The upload exceeds the limit of ${limit}`
        : `The upload is ${actualBytes} bytes, over the limit of ${limit}`,
    );
  }
}

function formatMegabytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}
