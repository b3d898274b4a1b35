import { CustomErrorBase } from '@backstage/errors';

/** A request body over its route's limit (`docuchat.limits.maxBodyKilobytes`). */
export class BodyTooLargeError extends CustomErrorBase {
  name = 'BodyTooLargeError' as const;
  /** Read by Backstage's error middleware. */
  readonly statusCode = 413;

  constructor(readonly limitBytes: number) {
    super(
      `The request body exceeds the limit of ${limitBytes} bytes for this route`,
    );
  }
}
