import { escapeLiteral } from 'pg';

/** A value a statement may carry written into its text. */
export type InlineValue = string | number;

/**
 * A value as a PostgreSQL literal, for statements sent as text: a
 * multi-statement query (`SET LOCAL …; SELECT …`) goes by the simple query
 * protocol, which has no parameters. Strings are quoted by node-postgres's
 * own `escapeLiteral`; a `?` is written `chr(63)` (the pieces joined in
 * parentheses), because knex reads every `?` of a query as a binding and
 * has no escape for one after a backslash.
 * Numbers must be finite.
 */
export function sqlLiteral(value: InlineValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new TypeError(`Cannot write ${value} into a statement`);
    }
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new TypeError(`Cannot write a ${typeof value} into a statement`);
  }
  const parts = value.split('?');
  return parts.length === 1
    ? escapeLiteral(value)
    : `(${parts.map(escapeLiteral).join(' || chr(63) || ')})`;
}

/**
 * `sql` with each `?` replaced by its binding written as a literal: the same
 * statement as `knex.raw(sql, bindings)` runs, ready to join others in one
 * multi-statement query. `sql` must have no other `?` (not even in
 * comments or quoted text).
 */
export function inlineBindings(sql: string, bindings: InlineValue[]): string {
  const parts = sql.split('?');
  if (parts.length !== bindings.length + 1) {
    throw new Error(
      `${parts.length - 1} placeholders for ${bindings.length} bindings`,
    );
  }
  return parts.reduce(
    (text, part, i) => `${text}${sqlLiteral(bindings[i - 1])}${part}`,
  );
}
