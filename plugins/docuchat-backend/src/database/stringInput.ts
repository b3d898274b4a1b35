import { InputError } from '@backstage/errors';

/** The length of the stores' `varchar(255)` columns. */
export const MAX_STRING = 255;
/** The length of the `tenant_id` columns. */
export const MAX_TENANT_ID = 63;

/** How strict a string check is beyond "a non-empty string". */
export interface StringRule {
  /** Also reject strings of only whitespace. */
  rejectBlank?: boolean;
}

/** `value` if it is a non-empty string of at most `maxLength`; InputError otherwise. */
export function requireString(
  name: string,
  value: unknown,
  maxLength: number,
  rule: StringRule = {},
): string {
  if (
    typeof value !== 'string' ||
    (rule.rejectBlank ? value.trim() : value).length === 0
  ) {
    throw new InputError(`${name} must be a non-empty string`);
  }
  if (value.length > maxLength) {
    throw new InputError(`${name} must be at most ${maxLength} characters`);
  }
  return value;
}

/** Null for a missing value, otherwise {@link requireString} up to {@link MAX_STRING}. */
export function optionalString(
  name: string,
  value: unknown,
  rule: StringRule = {},
): string | null {
  return value === undefined || value === null
    ? null
    : requireString(name, value, MAX_STRING, rule);
}
