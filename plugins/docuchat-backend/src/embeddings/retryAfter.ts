/**
 * How long a response asks the client to wait before retrying, in ms, read
 * the way the OpenAI SDK reads it (so our decision matches what the SDK would
 * do): `retry-after-ms` first, then `retry-after` as seconds or an HTTP date.
 * Undefined when the response does not say.
 */
export function retryAfterMs(headers: Headers): number | undefined {
  const millis = parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(millis)) {
    return millis;
  }
  const value = headers.get('retry-after');
  if (!value) {
    return undefined;
  }
  const seconds = parseFloat(value);
  if (!Number.isNaN(seconds)) {
    return seconds * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Statuses the OpenAI SDK retries (absent an `x-should-retry` header). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
