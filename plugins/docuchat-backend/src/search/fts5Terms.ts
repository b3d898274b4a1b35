/**
 * The terms SQLite's FTS5 index holds for a text, computed in JavaScript:
 * what `tokenize = "porter unicode61 tokenchars '_'"` (migration
 * 20261125050000_full_text_v2) makes of it. Feedback expansion reads the
 * terms of a few chunks this way instead of scanning FTS5's vocabulary
 * table, which cannot be filtered by row. Checked against FTS5 itself in
 * fts5Terms.test.ts.
 *
 * unicode61: runs of letters, digits (and `_`) are tokens, lower-cased, with
 * Latin diacritics removed. porter: the original Porter (1980) stemmer as FTS5
 * implements it (fts5_tokenize.c), on tokens of 3 to 64 bytes; a token with
 * non-ASCII letters is passed through (no rule matches its bytes).
 */
export function fts5Tokens(text: string): string[] {
  // Combining accents (U+0300-U+036F) belong to their token and are
  // dropped; other marks, such as Persian short vowels, separate tokens.
  return (text.match(/[\p{L}\p{N}_\u0300-\u036f]+/gu) ?? [])
    .map(token =>
      token
        .replace(/\p{Script=Latin}/gu, c => c.normalize('NFD'))
        .replace(/\p{M}/gu, '')
        .toLocaleLowerCase('en'),
    )
    .filter(token => token.length > 0);
}

type Rule = [suffix: string, replacement: string];

// FTS5 checks one suffix per rule family, chosen by the word's
// second-to-last letter (its switch), and among those the first that
// matches, whether or not its condition then holds.
const STEP2: Rule[] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['logi', 'log'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
];
const STEP3: Rule[] = [
  ['ical', 'ic'],
  ['ness', ''],
  ['icate', 'ic'],
  ['iciti', 'ic'],
  ['ful', ''],
  ['ative', ''],
  ['alize', 'al'],
];
const STEP4: Rule[] = [
  ['al', ''],
  ['ance', ''],
  ['ence', ''],
  ['er', ''],
  ['ic', ''],
  ['able', ''],
  ['ible', ''],
  ['ant', ''],
  ['ement', ''],
  ['ment', ''],
  ['ent', ''],
  ['ion', ''],
  ['ou', ''],
  ['ism', ''],
  ['ate', ''],
  ['iti', ''],
  ['ous', ''],
  ['ive', ''],
  ['ize', ''],
];

/** The FTS5 porter stem of one unicode61 token. */
export function porterStem(token: string): string {
  const bytes = Buffer.byteLength(token, 'utf8');
  if (bytes < 3 || bytes > 64 || !/^[\x20-\x7e]+$/.test(token)) return token;
  let w = token;

  // Step 1a.
  if (w.endsWith('s')) {
    if (
      (w.length > 4 && w.endsWith('sses')) ||
      (w.length > 3 && w.endsWith('ies'))
    ) {
      w = w.slice(0, -2);
    } else if (!w.endsWith('ss')) {
      w = w.slice(0, -1);
    }
  }
  // Step 1b.
  let step1b = false;
  if (w.length > 3 && w.endsWith('eed')) {
    if (mGt0(w.slice(0, -3))) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    step1b = true;
  } else if (w.length > 3 && w.endsWith('ing') && hasVowel(w.slice(0, -3))) {
    w = w.slice(0, -3);
    step1b = true;
  }
  if (step1b) {
    if (/(?:at|bl|iz)$/.test(w)) {
      w += 'e';
    } else {
      const c = w[w.length - 1];
      if (
        !isVowel(c, false) &&
        c !== 'l' &&
        c !== 's' &&
        c !== 'z' &&
        c === w[w.length - 2]
      ) {
        w = w.slice(0, -1);
      } else if (mEq1(w) && oStar(w)) {
        w += 'e';
      }
    }
  }
  // Step 1c.
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  w = applyFirst(w, STEP2, mGt0);
  w = applyFirst(w, STEP3, mGt0);
  w = applyFirst(w, STEP4, mGt1);
  // Step 5a.
  if (w.endsWith('e')) {
    const stem = w.slice(0, -1);
    if (mGt1(stem) || (mEq1(stem) && !oStar(stem))) w = stem;
  }
  // Step 5b.
  if (w.length > 1 && w.endsWith('ll') && mGt1(w.slice(0, -1))) {
    w = w.slice(0, -1);
  }
  return w;
}

function applyFirst(
  word: string,
  rules: Rule[],
  condition: (stem: string) => boolean,
): string {
  const key = word[word.length - 2];
  for (const [suffix, replacement] of rules) {
    // Same switch case as FTS5: the suffix's second-to-last letter.
    if (suffix[suffix.length - 2] !== key) continue;
    if (word.length <= suffix.length || !word.endsWith(suffix)) continue;
    const stem = word.slice(0, -suffix.length);
    const holds =
      suffix === 'ion'
        ? /[st]$/.test(stem) && condition(stem)
        : condition(stem);
    return holds ? stem + replacement : word;
  }
  return word;
}

function isVowel(c: string, yIsVowel: boolean): boolean {
  return 'aeiou'.includes(c) || (yIsVowel && c === 'y');
}

/** Where a vowel-then-consonant run ends (index after it), or 0. */
function gobbleVC(stem: string, previousConsonant: boolean): number {
  let consonant = previousConsonant;
  let i = 0;
  for (; i < stem.length; i++) {
    consonant = !isVowel(stem[i], consonant);
    if (!consonant) break;
  }
  for (i++; i < stem.length; i++) {
    consonant = !isVowel(stem[i], consonant);
    if (consonant) return i + 1;
  }
  return 0;
}

function mGt0(stem: string): boolean {
  return gobbleVC(stem, false) > 0;
}

function mGt1(stem: string): boolean {
  const n = gobbleVC(stem, false);
  return n > 0 && gobbleVC(stem.slice(n), true) > 0;
}

function mEq1(stem: string): boolean {
  const n = gobbleVC(stem, false);
  return n > 0 && gobbleVC(stem.slice(n), true) === 0;
}

/** *o: ends consonant-vowel-consonant, the last not w, x or y. */
function oStar(stem: string): boolean {
  if (/[wxy]$/.test(stem)) return false;
  let mask = 0;
  let consonant = false;
  for (const c of stem) {
    consonant = !isVowel(c, consonant);
    mask = (mask << 1) + (consonant ? 1 : 0);
  }
  return (mask & 7) === 5;
}

function hasVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) {
    if (isVowel(stem[i], i > 0)) return true;
  }
  return false;
}
