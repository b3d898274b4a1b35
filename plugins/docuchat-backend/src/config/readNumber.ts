import { Config } from '@backstage/config';

/** What a numeric setting may be. */
export interface NumberRule {
  /** The section `config` is, for the message: `docuchat.limits`. */
  where?: string;
  /** Whole numbers only. */
  integer?: boolean;
  min?: number;
  max?: number;
  /** What the number counts, for the message: `seconds`. */
  unit?: string;
  /** Said after the rule in the message: `0 disables the cache`. */
  note?: string;
}

/**
 * The one reader of numeric settings: the number at `key` of `config`
 * within `rule`, `fallback` when unset (undefined without one). A value
 * out of bounds stops the backend at start-up with the setting's full name,
 * what it must be and what it is, e.g. `docuchat.ask.k must be an integer
 * from 1 to 20, got 50`.
 */
export function readNumber(
  config: Config | undefined,
  key: string,
  rule: NumberRule & { fallback: number },
): number;
export function readNumber(
  config: Config | undefined,
  key: string,
  rule: NumberRule & { fallback?: undefined },
): number | undefined;
export function readNumber(
  config: Config | undefined,
  key: string,
  rule: NumberRule & { fallback?: number },
): number | undefined {
  const value = config?.getOptionalNumber(key) ?? rule.fallback;
  if (value === undefined) return undefined;
  const { integer, min = -Infinity, max = Infinity } = rule;
  if (
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    const name = rule.where ? `${rule.where}.${key}` : key;
    const note = rule.note ? ` (${rule.note})` : '';
    throw new Error(`${name} must be ${expected(rule)}${note}, got ${value}`);
  }
  return value;
}

function expected({ integer, min, max, unit }: NumberRule): string {
  if (integer && max === undefined && (min === 0 || min === 1)) {
    if (unit) return `a ${min === 1 ? 'positive ' : ''}whole number of ${unit}`;
    return min === 1 ? 'a positive integer' : 'a non-negative integer';
  }
  let what = integer ? 'an integer' : 'a number';
  if (unit)
    what = integer ? `a whole number of ${unit}` : `a number of ${unit}`;
  if (min !== undefined && max !== undefined) {
    return `${what} from ${min} to ${max}`;
  }
  if (min !== undefined) return `${what} ≥ ${min}`;
  if (max !== undefined) return `${what} ≤ ${max}`;
  return what;
}
