// o200k_base, the encoding of the GPT-4o/4.1/5 families, imported by name.
// `import … from 'gpt-tokenizer'` also gives o200k_base in gpt-tokenizer 3
// (its main export re-exports this module), but naming the encoding keeps
// token counts, and so billing estimates, stable if that default ever moves.
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';

// gpt-tokenizer throws on text that contains special tokens such as
// `<|endoftext|>`. In an uploaded document they are just characters, so they
// are counted as ordinary text, as the API counts them in a prompt.
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * o200k token count of `text`.
 *
 * Only counting is exposed on purpose: gpt-tokenizer 3.4's `decode` keeps a
 * shared streaming UTF-8 decoder, so decoding a token prefix that ends inside
 * a multi-byte character (common in Persian) corrupts the next decode in the
 * process. The chunker finds cut points by counting candidate slices instead.
 */
export function countTokens(text: string): number {
  return countO200k(text, AS_PLAIN_TEXT);
}
