import { CustomErrorBase } from '@backstage/errors';
import {
  UnreadableDocumentError,
  UnreadableReason,
  UnsupportedMediaTypeError,
} from './errors';
import { DocumentLimitError, LimitName } from './parseLimits';

/**
 * The parser worker died twice while parsing the document (killed, or a
 * crash in native code), so it is not tried a third time.
 */
export class ParserCrashedError extends CustomErrorBase {
  name = 'ParserCrashedError' as const;
}

/**
 * Why a document failed, for the `reason` label of the failure metric: a
 * limit's name, an unreadable document's reason, or one of a few more. A
 * bounded set, whatever the error.
 */
export type FailureReason =
  | LimitName
  | UnreadableReason
  | 'unsupported'
  | 'crashed'
  | 'other';

export function failureReason(error: unknown): FailureReason {
  if (error instanceof DocumentLimitError) return error.limit;
  if (error instanceof UnreadableDocumentError) return error.reason;
  if (error instanceof UnsupportedMediaTypeError) return 'unsupported';
  if (error instanceof ParserCrashedError) return 'crashed';
  return 'other';
}

/**
 * An error as it crosses from a parser worker to the pool: structured clone
 * keeps an Error's message but not its class, which the HTTP status, the
 * failure reason and the message the user sees depend on.
 */
export type WireError =
  | { kind: 'limit'; limit: LimitName; message: string }
  | { kind: 'unreadable'; reason: UnreadableReason; message: string }
  | {
      kind: 'unsupported';
      mediaType: string;
      supported: string[];
      message: string;
    }
  | { kind: 'other'; message: string };

export function toWireError(error: unknown): WireError {
  if (error instanceof DocumentLimitError) {
    return { kind: 'limit', limit: error.limit, message: error.message };
  }
  if (error instanceof UnreadableDocumentError) {
    return { kind: 'unreadable', reason: error.reason, message: error.message };
  }
  if (error instanceof UnsupportedMediaTypeError) {
    return {
      kind: 'unsupported',
      mediaType: error.mediaType,
      supported: [...error.supported],
      message: error.message,
    };
  }
  // Every recursion on the input is bounded before it runs; should a
  // parser still recurse too deep, the document fails as too deeply nested
  // rather than with an internal error.
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return {
      kind: 'limit',
      limit: 'nesting-depth',
      message: 'The document is nested too deeply for its parser',
    };
  }
  return {
    kind: 'other',
    message: error instanceof Error ? error.message : String(error),
  };
}

export function fromWireError(wire: WireError): Error {
  switch (wire.kind) {
    case 'limit': {
      // The message already names the config key where there is one.
      return new DocumentLimitError(wire.limit, wire.message, {
        configurable: false,
      });
    }
    case 'unreadable':
      return new UnreadableDocumentError(wire.reason, wire.message);
    case 'unsupported':
      return new UnsupportedMediaTypeError(wire.mediaType, wire.supported);
    default:
      return new Error(`Parsing failed: ${wire.message}`);
  }
}
