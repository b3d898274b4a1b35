import { InputError } from '@backstage/errors';

/**
 * Rejects inputs that no provider can embed, before any work is done, so both
 * providers fail the same way: OpenAI answers 400 for an empty string, and the
 * local model crashes on a batch whose texts are all empty (no tokens to feed
 * its sparse input). Chunking never produces empty chunks, so an empty text
 * here is a caller bug worth surfacing.
 */
export function assertEmbeddableTexts(texts: readonly string[]): void {
  texts.forEach((text, index) => {
    if (typeof text !== 'string' || text.length === 0) {
      throw new InputError(
        `Cannot embed text at index ${index}: it must be a non-empty string`,
      );
    }
  });
}
