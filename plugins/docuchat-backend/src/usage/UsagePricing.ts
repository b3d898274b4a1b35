import { ModelPrice } from '@docuchat/backstage-plugin-docuchat-common';

/** 20 Tomans per 1,000 tokens, the seed price. */
export const DEFAULT_RIALS_PER_1K_TOKENS = 200;
/** Models that run in process; no provider bills them. */
export const DEFAULT_LOCAL_RIALS_PER_1K_TOKENS = 0;

const LOCAL_PREFIX = 'local:';
const RIALS_PER_TOMAN = 10;

/** A price list entry: the model id it applies to and its price. */
export interface ModelPriceEntry extends ModelPrice {
  model: string;
}

/** Options of {@link UsagePricing}; every price in integer Rials per 1k tokens. */
export interface UsagePricingOptions {
  /** Models not listed and not local. Default 200. */
  defaultRialsPer1kTokens?: number;
  /** Models whose id starts with `local:`, unless listed. Default 0. */
  localRialsPer1kTokens?: number;
  models?: ModelPriceEntry[];
}

/** Tokens of one model to price. */
export interface TokenCounts {
  model: string;
  promptTokens: number;
  completionTokens: number;
}

function requirePrice(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(
      `${what} must be a whole number of Rials ≥ 0, got ${String(value)}`,
    );
  }
  return value;
}

function requireTokens(what: string, value: unknown): bigint {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${what} must be an integer ≥ 0, got ${String(value)}`);
  }
  return BigInt(value);
}

function flatPrice(rialsPer1kTokens: number): ModelPrice {
  return {
    promptRialsPer1kTokens: rialsPer1kTokens,
    completionRialsPer1kTokens: rialsPer1kTokens,
  };
}

/** Tomans for display; Rials stay the unit that is stored and summed. */
export function rialsToTomans(rials: number): number {
  return rials / RIALS_PER_TOMAN;
}

/**
 * The one place token usage becomes money; usage reports and billing both
 * price through it so that they can never disagree.
 *
 * Rounding rule: a priced line is one model's prompt and completion tokens
 * over a whole range. Its exact amount, (prompt × promptPrice + completion ×
 * completionPrice) / 1000 Rials, is rounded half up to whole Rials once, in
 * integer arithmetic (no floating point). Totals are sums of rounded lines,
 * so a statement's lines always add up to its total. Rounding is therefore
 * not additive over time: price the whole period's sums, never add up the
 * prices of its days.
 */
export class UsagePricing {
  readonly #models: ModelPriceEntry[];
  readonly #defaultPrice: ModelPrice;
  readonly #localPrice: ModelPrice;

  constructor(options: UsagePricingOptions = {}) {
    this.#defaultPrice = flatPrice(
      requirePrice(
        'defaultRialsPer1kTokens',
        options.defaultRialsPer1kTokens ?? DEFAULT_RIALS_PER_1K_TOKENS,
      ),
    );
    this.#localPrice = flatPrice(
      requirePrice(
        'localRialsPer1kTokens',
        options.localRialsPer1kTokens ?? DEFAULT_LOCAL_RIALS_PER_1K_TOKENS,
      ),
    );
    const seen = new Set<string>();
    this.#models = (options.models ?? []).map((entry, index) => {
      const where = `models[${index}]`;
      if (typeof entry.model !== 'string' || entry.model.trim() === '') {
        throw new Error(`${where}.model must be a non-empty model id`);
      }
      if (seen.has(entry.model)) {
        throw new Error(`${where}: model ${entry.model} is priced twice`);
      }
      seen.add(entry.model);
      return {
        model: entry.model,
        promptRialsPer1kTokens: requirePrice(
          `${where}.promptRialsPer1kTokens`,
          entry.promptRialsPer1kTokens,
        ),
        completionRialsPer1kTokens: requirePrice(
          `${where}.completionRialsPer1kTokens`,
          entry.completionRialsPer1kTokens,
        ),
      };
    });
  }

  /**
   * The price of a model: its entry (exact id, or the longest id that is
   * followed by `:` in it, so `openai:text-embedding-3-small` prices
   * `openai:text-embedding-3-small:1536`), else the local or default price.
   */
  priceOf(model: string): ModelPrice {
    let best: ModelPriceEntry | undefined;
    for (const entry of this.#models) {
      const matches =
        model === entry.model || model.startsWith(`${entry.model}:`);
      if (matches && (!best || entry.model.length > best.model.length)) {
        best = entry;
      }
    }
    if (best) {
      return {
        promptRialsPer1kTokens: best.promptRialsPer1kTokens,
        completionRialsPer1kTokens: best.completionRialsPer1kTokens,
      };
    }
    return {
      ...(model.startsWith(LOCAL_PREFIX)
        ? this.#localPrice
        : this.#defaultPrice),
    };
  }

  /** The cost of one priced line in whole Rials (see the rounding rule). */
  costRials(usage: TokenCounts): number {
    return costAtPrice(this.priceOf(usage.model), usage);
  }
}

/**
 * The cost of a line at a given price (an invoice line's frozen price), by
 * the rounding rule of {@link UsagePricing}.
 */
export function costAtPrice(price: ModelPrice, usage: TokenCounts): number {
  const milliRials =
    requireTokens('promptTokens', usage.promptTokens) *
      BigInt(price.promptRialsPer1kTokens) +
    requireTokens('completionTokens', usage.completionTokens) *
      BigInt(price.completionRialsPer1kTokens);
  const rials = Number((milliRials + 500n) / 1000n);
  if (!Number.isSafeInteger(rials)) {
    throw new Error(`The cost of ${usage.model} exceeds ${rials} Rials`);
  }
  return rials;
}
