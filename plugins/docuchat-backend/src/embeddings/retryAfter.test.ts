import { isRetryableStatus, retryAfterMs } from './retryAfter';

describe('retryAfterMs', () => {
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(
      retryAfterMs(
        new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }),
      ),
    ).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }))).toBe(1500);
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    expect(
      retryAfterMs(new Headers({ 'retry-after': inTwoMinutes })),
    ).toBeGreaterThan(110_000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(
      retryAfterMs(new Headers({ 'retry-after': 'soon' })),
    ).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it('matches the statuses the OpenAI SDK retries', () => {
    expect([408, 409, 429, 500, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });
});
