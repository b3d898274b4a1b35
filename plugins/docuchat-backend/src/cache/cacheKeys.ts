import { createHash } from 'node:crypto';

/**
 * The form of a question or query that cache keys are built from: Unicode
 * NFC, whitespace runs collapsed, ends trimmed. Deliberately no case folding
 * or punctuation stripping, which could map two questions with different
 * meanings (or different embeddings) onto one entry.
 */
export function normalizeQuery(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * A fixed-length digest of the key material. JSON keeps the parts apart
 * ("ab" + "c" and "a" + "bc" differ); base64url keeps the key short enough
 * that Backstage's cache client does not hash it a second time, so the
 * readable prefix in front of it survives.
 */
export function digestKeyMaterial(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
