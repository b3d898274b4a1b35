// Frozen copy of src/chat/sentences.ts at commit e8e1c78, for legacyAnswer.ts.
import { ENGLISH_STOP_WORDS } from '../../../src/ingest/englishStopWords';

/**
 * A sentence ends at `.`, `!`, `?`, the Persian/Arabic question mark `؟`,
 * the Urdu/Persian full stop `۔` or `…`, possibly followed by closing quotes
 * or brackets (`»` included), and then whitespace; a line break always ends
 * one (list items, headings). "3.5" or "v1.2" stay whole: no space follows.
 */
const SENTENCE_BOUNDARY = /(?<=[.!?؟۔…]+["'»”’)\]]*)\s+|\s*\n\s*/u;

/** The sentences of a passage, trimmed, empty ones dropped. */
export function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_BOUNDARY)
    .map(sentence => sentence.trim())
    .filter(sentence => /[\p{L}\p{N}]/u.test(sentence));
}

/**
 * Common Persian function words (conjunctions, prepositions, pronouns,
 * auxiliaries, and the verb prefix "می" that the zero-width non-joiner
 * splits off).
 */
const PERSIAN_STOP_WORDS: ReadonlySet<string> = new Set(
  `و در به از که این آن را با است برای یک تا می نمی هم یا اما اگر بر هر
  شود شد کرد کند کنید کنم بود باشد هست نیست دارد داریم دارند ها های ای
  من تو او ما شما آنها چه چی چرا چگونه چطور کجا کی کدام آیا بی پس نیز
  ولی همین همان خود دیگر باید شده شوند`.split(/\s+/),
);

/**
 * Folds the variants of one word together: Arabic yeh/kaf to Persian, no
 * diacritics, Persian and Arabic-Indic digits to ASCII, lower case.
 */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u064A\u0649]/g, '\u06CC')
    .replace(/\u0643/g, '\u06A9')
    .replace(/[\u06F0-\u06F9]/g, d => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, d => String(d.charCodeAt(0) - 0x0660))
    .replace(/\p{Mn}/gu, '')
    .toLowerCase();
}

/**
 * The content words of a text for matching: letters and digits, stop words
 * dropped, an English plural "s" folded ("invoices" meets "invoice").
 */
export function contentWords(text: string): string[] {
  const words = normalize(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .filter(word => !ENGLISH_STOP_WORDS.has(word))
    .filter(word => !PERSIAN_STOP_WORDS.has(word))
    .map(word =>
      word.length > 3 && /[a-z]s$/.test(word) && !word.endsWith('ss')
        ? word.slice(0, -1)
        : word,
    );
}

/** True when the text is mostly in Arabic script (Persian here). */
export function isPersian(text: string): boolean {
  const arabic = text.match(/\p{Script=Arabic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return arabic > latin;
}
