import { ConfigReader } from '@backstage/config';
import { readMetricsConfig } from './readMetricsConfig';

const TOKEN = 'a-scraper-token-of-32-characters';

function config(metrics?: object) {
  return new ConfigReader({ docuchat: metrics ? { metrics } : {} });
}

describe('readMetricsConfig', () => {
  it('leaves the route off by default', () => {
    expect(readMetricsConfig(config())).toEqual({ kind: 'disabled' });
    expect(readMetricsConfig(config({ public: false }))).toEqual({
      kind: 'disabled',
    });
  });

  it('makes the route public only when asked to', () => {
    expect(readMetricsConfig(config({ public: true }))).toEqual({
      kind: 'public',
    });
  });

  it('requires the bearer token once one is configured', () => {
    expect(readMetricsConfig(config({ bearerToken: TOKEN }))).toEqual({
      kind: 'token',
      bearerToken: TOKEN,
    });
    expect(
      readMetricsConfig(config({ public: false, bearerToken: TOKEN })),
    ).toEqual({ kind: 'token', bearerToken: TOKEN });
  });

  it('refuses a token shorter than 16 characters', () => {
    expect(() =>
      readMetricsConfig(config({ bearerToken: 'fifteen-chars-x' })),
    ).toThrow(
      'docuchat.metrics.bearerToken must be at least 16 characters, got 15',
    );
    expect(() => readMetricsConfig(config({ bearerToken: '' }))).toThrow();
  });

  it('refuses a token with whitespace, which no header carries intact', () => {
    expect(() =>
      readMetricsConfig(config({ bearerToken: 'sixteen chars ok!' })),
    ).toThrow('docuchat.metrics.bearerToken must not contain whitespace');
  });

  it('refuses a token beside public: true, where it would be ignored', () => {
    expect(() =>
      readMetricsConfig(config({ public: true, bearerToken: TOKEN })),
    ).toThrow(
      'docuchat.metrics.public is true and docuchat.metrics.bearerToken is set',
    );
  });

  it('refuses values of the wrong type', () => {
    expect(() => readMetricsConfig(config({ public: 'maybe' }))).toThrow(
      /docuchat\.metrics\.public/,
    );
    expect(() => readMetricsConfig(config({ bearerToken: 12345 }))).toThrow(
      /docuchat\.metrics\.bearerToken/,
    );
  });
});
