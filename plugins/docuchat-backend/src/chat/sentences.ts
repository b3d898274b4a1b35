import { ENGLISH_STOP_WORDS } from '../ingest/englishStopWords';

/**
 * A sentence ends at `.`, `!`, `?`, the Persian/Arabic question mark `؟`,
 * the Urdu/Persian full stop `۔` or `…`, possibly followed by closing quotes
 * or brackets (`»` included), and then whitespace; a line break always ends
 * one (parsers turn soft breaks into spaces, so what is left is meant:
 * hard breaks, list items, headings). "3.5" or "v1.2" stay whole: no space
 * follows; so do "e.g. this" and "i.e. that".
 */
const SENTENCE_BOUNDARY = /(?<=[.!?؟۔…]+["'»”’)\]]*)[ \t]+|[ \t]*\n\s*/u;

/** Abbreviations that end with a dot but not a sentence. */
const ABBREVIATION = /(?:^|[\s(])(?:e\.g|i\.e|vs|cf|approx|incl|fig)\.$/i;

/**
 * The sentences of a passage, trimmed, empty ones dropped; each is a
 * verbatim slice of `text`.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const boundary of text.matchAll(
    new RegExp(SENTENCE_BOUNDARY.source, 'gu'),
  )) {
    const sentence = text.slice(start, boundary.index);
    if (!boundary[0].includes('\n') && ABBREVIATION.test(sentence)) continue;
    sentences.push(sentence);
    start = boundary.index! + boundary[0].length;
  }
  sentences.push(text.slice(start));
  return sentences
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
 * dropped, each as written (lower case) and with its English inflections
 * folded (`stem`). A camelCase identifier is split (`maxUploadMegabytes`
 * meets "upload"); `identifiers: 'whole'` keeps a camelCase identifier one word (a question
 * naming "DocuChat" asks about the product, not about chat), `'both'`
 * gives the whole identifier and its parts (a passage's
 * `maxUploadMegabytes` is about uploads, and about that setting).
 */
export function contentTerms(
  text: string,
  identifiers: 'split' | 'whole' | 'both' = 'split',
): Array<{ word: string; stem: string }> {
  const tokens =
    text
      .normalize('NFKC')
      .replace(/\p{Mn}/gu, '')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const words = tokens.flatMap(token => {
    const parts = token.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2').split(' ');
    if (parts.length === 1 || identifiers === 'whole') return [token];
    return identifiers === 'both' ? [token, ...parts] : parts;
  });
  return words
    .map(normalize)
    .filter(word => !ENGLISH_STOP_WORDS.has(word))
    .filter(word => !PERSIAN_STOP_WORDS.has(word))
    .map(word => ({ word, stem: stem(word) }));
}

/**
 * A light English suffix folding, so "cached", "caches" and "cache" meet,
 * as do "runs", "running" and "run": one of -ing, -ed, -es, -e, -s comes
 * off a word of five letters or more (not -ss), then a doubled final
 * consonant is undone. Not a real stemmer; enough for one question against
 * a few passages.
 */
function stem(word: string): string {
  if (word.length < 5 || !/^[a-z]+$/.test(word) || word.endsWith('ss')) {
    return word.length === 4 && /[a-z]s$/.test(word) && !word.endsWith('ss')
      ? word.slice(0, -1)
      : word;
  }
  const base = word.replace(/(?:ing|ed|es|e|s)$/, '');
  if (base.length < 3) return word;
  return /([b-df-hj-np-tv-z])\1$/.test(base) && !/(?:ll|ss)$/.test(base)
    ? base.slice(0, -1)
    : base;
}

/**
 * True when the text is written in Persian: at least a third of its words
 * (runs between spaces holding a letter) are in Arabic script. Counting
 * words, not letters, keeps a Persian sentence about `docuchat.ask.k` or
 * `scripts/test-servers.sh` Persian, and an English sentence quoting a
 * Persian word English.
 */
export function isPersian(text: string): boolean {
  const words = text.split(/\s+/).filter(word => /\p{L}/u.test(word));
  const arabic = words.filter(word => /\p{Script=Arabic}/u.test(word)).length;
  return words.length > 0 && arabic * 3 >= words.length;
}
