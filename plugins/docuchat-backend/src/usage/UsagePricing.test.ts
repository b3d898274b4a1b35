import { rialsToTomans, UsagePricing } from './UsagePricing';

const line = (model: string, promptTokens: number, completionTokens = 0) => ({
  model,
  promptTokens,
  completionTokens,
});

describe('UsagePricing', () => {
  it('prices the seed rate of 200 Rials (20 Tomans) per 1,000 tokens exactly', () => {
    const pricing = new UsagePricing();
    // 1,234,567 × 200 / 1000 = 246,913.4 → 246,913
    expect(pricing.costRials(line('openai:gpt-4o-mini', 1_234_567))).toBe(
      246_913,
    );
    expect(pricing.costRials(line('openai:gpt-4o-mini', 0, 1_234_567))).toBe(
      246_913,
    );
    expect(rialsToTomans(246_913)).toBe(24_691.3);
    expect(pricing.costRials(line('openai:gpt-4o-mini', 1000))).toBe(200);
    // tokens ÷ 5 Rials
    expect(pricing.costRials(line('openai:gpt-4o-mini', 5))).toBe(1);
    expect(pricing.costRials(line('openai:gpt-4o-mini', 0))).toBe(0);
  });

  it('rounds each line half up, once, in whole Rials', () => {
    const oneRial = new UsagePricing({ defaultRialsPer1kTokens: 1 });
    const cost = (prompt: number, completion = 0) =>
      oneRial.costRials(line('m', prompt, completion));
    expect(cost(499)).toBe(0);
    expect(cost(500)).toBe(1); // 0.5 → 1
    expect(cost(1499)).toBe(1);
    expect(cost(1500)).toBe(2); // 1.5 → 2
    expect(cost(2500)).toBe(3); // 2.5 → 3: half up, not to even
    // 0.3 + 0.3 = 0.6 → 1: the line is rounded, not its directions.
    expect(cost(300, 300)).toBe(1);
    const seed = new UsagePricing();
    // 3 tokens = 0.6 Rials each way; 1.2 → 1, not 1 + 1.
    expect(seed.costRials(line('m', 3, 3))).toBe(1);
  });

  it('stays exact beyond what floating point can multiply', () => {
    const pricing = new UsagePricing();
    // 9,007,199,254,740,991 × 200 / 1000 = 1,801,439,850,948,198.2
    expect(pricing.costRials(line('m', Number.MAX_SAFE_INTEGER))).toBe(
      1_801_439_850_948_198,
    );
    // 414,268,031,743,630 × 150 / 1000 = 62,140,204,761,544.5 → …545; the
    // product passes 2^53, so floating point loses the half and rounds down.
    const tokens = 414_268_031_743_630;
    const at150 = new UsagePricing({ defaultRialsPer1kTokens: 150 });
    expect(at150.costRials(line('m', tokens))).toBe(62_140_204_761_545);
    expect(Math.round((tokens * 150) / 1000)).toBe(62_140_204_761_544);
    const pricey = new UsagePricing({
      defaultRialsPer1kTokens: Number.MAX_SAFE_INTEGER,
    });
    expect(() => pricey.costRials(line('m', 1_000_000))).toThrow(
      /exceeds .* Rials/,
    );
  });

  it('prices prompt and completion tokens of a listed model apart', () => {
    const pricing = new UsagePricing({
      models: [
        {
          model: 'openai:gpt-4o-mini',
          promptRialsPer1kTokens: 150,
          completionRialsPer1kTokens: 600,
        },
      ],
    });
    // 1000 × 150 / 1000 + 500 × 600 / 1000 = 150 + 300
    expect(pricing.costRials(line('openai:gpt-4o-mini', 1000, 500))).toBe(450);
    expect(pricing.priceOf('openai:gpt-4o-mini')).toEqual({
      promptRialsPer1kTokens: 150,
      completionRialsPer1kTokens: 600,
    });
    expect(pricing.priceOf('openai:gpt-4o')).toEqual({
      promptRialsPer1kTokens: 200,
      completionRialsPer1kTokens: 200,
    });
  });

  it('charges nothing for local models unless configured', () => {
    const free = new UsagePricing();
    expect(free.costRials(line('local:extractive', 10_000, 10_000))).toBe(0);
    expect(free.costRials(line('local:use-lite:512', 10_000))).toBe(0);
    const configured = new UsagePricing({
      localRialsPer1kTokens: 10,
      models: [
        {
          model: 'local:extractive',
          promptRialsPer1kTokens: 0,
          completionRialsPer1kTokens: 0,
        },
      ],
    });
    expect(configured.costRials(line('local:use-lite:512', 10_000))).toBe(100);
    // A listed local model keeps its own price.
    expect(configured.costRials(line('local:extractive', 10_000))).toBe(0);
    // Only the `local:` prefix counts as local.
    expect(configured.costRials(line('localai:llama', 1000))).toBe(200);
  });

  it('prices variants by the longest listed id followed by ":"', () => {
    const pricing = new UsagePricing({
      models: [
        {
          model: 'openai:text-embedding-3-small',
          promptRialsPer1kTokens: 20,
          completionRialsPer1kTokens: 20,
        },
        {
          model: 'openai:text-embedding-3-small:512',
          promptRialsPer1kTokens: 10,
          completionRialsPer1kTokens: 10,
        },
      ],
    });
    const promptPrice = (model: string) =>
      pricing.priceOf(model).promptRialsPer1kTokens;
    expect(promptPrice('openai:text-embedding-3-small')).toBe(20);
    expect(promptPrice('openai:text-embedding-3-small:1536')).toBe(20);
    expect(promptPrice('openai:text-embedding-3-small:512')).toBe(10);
    // Not a variant: the id does not continue with ":".
    expect(promptPrice('openai:text-embedding-3-smaller')).toBe(200);
    expect(promptPrice('openai')).toBe(200);
  });

  it('hands out copies, so callers cannot change the prices', () => {
    const pricing = new UsagePricing();
    pricing.priceOf('m').promptRialsPer1kTokens = 1;
    expect(pricing.costRials(line('m', 1000))).toBe(200);
  });

  it('rejects prices that are not whole Rials ≥ 0', () => {
    const entry = (overrides: object) => ({
      models: [
        {
          model: 'openai:gpt-4o-mini',
          promptRialsPer1kTokens: 1,
          completionRialsPer1kTokens: 1,
          ...overrides,
        },
      ],
    });
    const cases: Array<[object, RegExp]> = [
      [{ defaultRialsPer1kTokens: -1 }, /defaultRialsPer1kTokens must be/],
      [{ defaultRialsPer1kTokens: 0.5 }, /defaultRialsPer1kTokens must be/],
      [{ localRialsPer1kTokens: Number.NaN }, /localRialsPer1kTokens must be/],
      [
        entry({ promptRialsPer1kTokens: 1.5 }),
        /models\[0\]\.promptRialsPer1kTokens must be a whole number of Rials ≥ 0, got 1.5/,
      ],
      [
        entry({ completionRialsPer1kTokens: '5' }),
        /models\[0\]\.completionRialsPer1kTokens/,
      ],
      [entry({ model: ' ' }), /models\[0\]\.model must be a non-empty/],
      [
        { models: [...entry({}).models, ...entry({}).models] },
        /models\[1\]: model openai:gpt-4o-mini is priced twice/,
      ],
    ];
    for (const [options, message] of cases) {
      expect(() => new UsagePricing(options as any)).toThrow(message);
    }
  });

  it('rejects token counts that are not integers ≥ 0', () => {
    const pricing = new UsagePricing();
    expect(() => pricing.costRials(line('m', -1))).toThrow(/promptTokens/);
    expect(() => pricing.costRials(line('m', 0, 1.5))).toThrow(
      /completionTokens/,
    );
  });
});
