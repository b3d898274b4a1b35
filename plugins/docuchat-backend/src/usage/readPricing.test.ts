import { ConfigReader } from '@backstage/config';
import { readPricing } from './readPricing';

const config = (pricing?: unknown) =>
  new ConfigReader(pricing === undefined ? {} : { docuchat: { pricing } });

describe('readPricing', () => {
  it('defaults to 200 Rials per 1,000 tokens and free local models', () => {
    const pricing = readPricing(config());
    expect(pricing.priceOf('openai:gpt-4o-mini')).toEqual({
      promptRialsPer1kTokens: 200,
      completionRialsPer1kTokens: 200,
    });
    expect(pricing.priceOf('local:extractive')).toEqual({
      promptRialsPer1kTokens: 0,
      completionRialsPer1kTokens: 0,
    });
  });

  it('reads the default, local and per-model prices', () => {
    const pricing = readPricing(
      config({
        defaultRialsPer1kTokens: 300,
        localRialsPer1kTokens: 5,
        models: [
          {
            model: 'openai:gpt-4.1-mini',
            promptRialsPer1kTokens: 150,
            completionRialsPer1kTokens: 600,
          },
        ],
      }),
    );
    expect(pricing.priceOf('openai:gpt-4.1-mini')).toEqual({
      promptRialsPer1kTokens: 150,
      completionRialsPer1kTokens: 600,
    });
    expect(pricing.priceOf('openai:gpt-4o').promptRialsPer1kTokens).toBe(300);
    expect(pricing.priceOf('local:use-lite:512').promptRialsPer1kTokens).toBe(
      5,
    );
  });

  it('refuses invalid prices with the config path in the message', () => {
    expect(() => readPricing(config({ defaultRialsPer1kTokens: 2.5 }))).toThrow(
      'Invalid docuchat.pricing: defaultRialsPer1kTokens must be a whole number of Rials ≥ 0, got 2.5',
    );
    expect(() =>
      readPricing(
        config({ models: [{ model: 'm', promptRialsPer1kTokens: 1 }] }),
      ),
    ).toThrow(/Invalid docuchat.pricing: .*completionRialsPer1kTokens/);
    expect(() =>
      readPricing(config({ defaultRialsPer1kTokens: 'cheap' })),
    ).toThrow(/Invalid docuchat.pricing: .*defaultRialsPer1kTokens/);
  });
});
