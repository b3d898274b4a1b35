import { countTokens } from 'gpt-tokenizer/model/text-embedding-3-small';

/**
 * Tokens OpenAI would bill for embedding these texts (cl100k_base, the
 * tokenizer of OpenAI's embedding models). The local model has its own
 * tokenizer, but usage is recorded in OpenAI tokens so that the ledger,
 * prices and dashboards compare one unit whichever provider did the work.
 */
export function countEmbeddingTokens(texts: readonly string[]): number {
  let total = 0;
  for (const text of texts) {
    total += countTokens(text);
  }
  return total;
}
