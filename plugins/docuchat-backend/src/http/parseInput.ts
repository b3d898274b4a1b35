import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Validates request input with a zod schema; an InputError (400) that names
 * every wrong field otherwise. `what` names the input in the message.
 */
export function parseInput<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map(issue => `${issue.path.join('.') || what}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${issues}`);
  }
  return result.data;
}

/**
 * The ids of documents, chunks, conversations, messages and sources: UUIDs.
 * Checked before a query, since PostgreSQL fails a malformed uuid with an
 * error of its own (a 500), where SQLite finds nothing.
 */
export const idSchema = z.string().uuid('must be a UUID');
