import { porterStem } from '../search/fts5Terms';
import { WordStatistics } from '../search/FullTextIndex';
import { AnswerSource, AnswerUnit } from './answerUnits';
import { contentTerms } from './sentences';

/** The tenant's statistics for some words; undefined when unknown. */
export type WordStatisticsLookup = (
  words: string[],
  signal?: AbortSignal,
) => Promise<WordStatistics | undefined>;

export interface RankSource extends AnswerSource {
  documentTitle?: string;
}

/** A question word and how much it says about what is asked. */
export interface QueryTerm {
  stem: string;
  /** IDF: a rare word says more about the question than a common one. */
  weight: number;
  /**
   * Stems that match it too: the word written together with its neighbour
   * in the question ("times out" meets "timeout", "set up" "setup").
   */
  compounds?: string[];
}

export interface RankedUnit extends AnswerUnit {
  /** The stems of what quoting the unit shows (lead-in, text, code). */
  words: Set<string>;
  /** The question's stems the unit holds. */
  matched: Set<string>;
  /**
   * Share of the question's weight the unit holds, itself or in what it is
   * about: its passage's title and headings and its list item's label
   * count as its own words (a sentence under "Caches" is about caches).
   */
  coverage: number;
  /** Cosine of the unit's meaning with the question's, when measured. */
  semantic?: number;
  /** The retriever's rank of the unit's passage, 0 for the first. */
  rank: number;
  /** Words that quoting it costs. */
  length: number;
}

/** The stem every unit holding a number holds too. */
const NUMBER = '#number';

/**
 * Words that say what kind of answer is wanted rather than what it is
 * about: "what happens", "what are they called", "یعنی چه". Their IDF is
 * high (documents rarely say "happens") but no sentence answers by
 * holding them.
 */
const FRAME_WORDS = new Set(
  `happen happens happened get gets got make makes need needs called mean
  means way اتفاقی افتد یعنی`.split(/\s+/),
);

/**
 * "How many", "how long", "چقدر", "چند": questions answered by a number;
 * the quantity word is part of the frame.
 */
const ASKS_FOR_NUMBER =
  /\bhow (many|much|long|large|big|often|old|fast)\b|(چقدر|چند)/u;

/**
 * The question's content words with their weights: IDF from the tenant's
 * statistics when known (a word in every chunk, such as the product's
 * name, says little; one in none, everything), else from the candidate
 * units themselves. A question answered by a number gets one more term,
 * held by every unit with a digit, worth an average word of the question.
 */
export function queryTerms(
  question: string,
  units: Array<{ words: Set<string> }>,
  statistics?: WordStatistics,
): QueryTerm[] {
  const quantity = question.toLowerCase().match(ASKS_FOR_NUMBER);
  const frame = new Set(FRAME_WORDS);
  if (quantity) {
    for (const word of quantity.slice(1)) if (word) frame.add(word);
  }
  const byStem = new Map<string, string[]>();
  for (const { word, stem } of contentTerms(question, 'whole')) {
    if (frame.has(word)) continue;
    byStem.set(stem, [...(byStem.get(stem) ?? []), word]);
  }
  const terms: QueryTerm[] = [...byStem].map(([stem, words]) => {
    let n: number;
    let df: number;
    if (statistics) {
      n = statistics.chunkCount;
      // The rarest form asked (the index may stem two forms apart).
      df = Math.min(
        ...words.map(word => statistics.documentFrequency.get(word) ?? 0),
      );
    } else {
      n = units.length;
      df = units.filter(unit => unit.words.has(stem)).length;
    }
    return {
      stem,
      weight: Math.log(1 + (n - df + 0.5) / (df + 0.5)),
      compounds: compoundsOf(question, words),
    };
  });
  if (quantity && terms.length > 0) {
    const mean = terms.reduce((sum, t) => sum + t.weight, 0) / terms.length;
    terms.push({ stem: NUMBER, weight: mean });
  }
  return terms;
}

/**
 * The stems of a question word written together with the word before or
 * after it, the first one singular ("times out": "timeout").
 */
function compoundsOf(question: string, words: string[]): string[] {
  const tokens = question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const compounds = new Set<string>();
  tokens.forEach((token, i) => {
    if (!words.includes(token)) return;
    for (const [a, b] of [
      [tokens[i - 1], token],
      [token, tokens[i + 1]],
    ]) {
      if (!a || !b) continue;
      for (const joined of [a + b, porterStem(a) + b]) {
        for (const term of contentTerms(joined)) compounds.add(term.stem);
      }
    }
  });
  return [...compounds];
}

/** The stems of a text (camelCase identifiers whole and in parts). */
export function stemsOf(text: string): Set<string> {
  return new Set(contentTerms(text, 'both').map(term => term.stem));
}

/**
 * How much of the question each unit holds (`coverage`); a unit that holds
 * none of the question's words itself is never on topic, whatever its
 * headings say.
 */
export function rankUnits(
  units: AnswerUnit[],
  sources: RankSource[],
  terms: QueryTerm[],
  quotedText: (unit: AnswerUnit) => string,
): RankedUnit[] {
  const total = terms.reduce((sum, t) => sum + t.weight, 0) || 1;
  const headings = new Map(
    sources.map(source => [
      source.n,
      stemsOf(
        [source.documentTitle ?? '', ...(source.headingPath ?? [])].join(' '),
      ),
    ]),
  );
  const rankOf = new Map(sources.map((source, rank) => [source.n, rank]));
  return units.map(unit => {
    const text = quotedText(unit);
    const words = stemsOf(text);
    if (/\p{Nd}/u.test(text)) words.add(NUMBER);
    const about = new Set([
      ...(headings.get(unit.n) ?? []),
      ...(unit.label ? stemsOf(unit.label) : []),
    ]);
    const matched = new Set<string>();
    let held = 0;
    for (const term of terms) {
      if (
        words.has(term.stem) ||
        term.compounds?.some(compound => words.has(compound))
      ) {
        // A number alone is not the topic.
        if (term.stem !== NUMBER) matched.add(term.stem);
        held += term.weight;
      } else if (about.has(term.stem)) {
        held += term.weight;
      }
    }
    return {
      ...unit,
      words,
      matched,
      coverage: matched.size > 0 ? held / total : 0,
      rank: rankOf.get(unit.n) ?? 0,
      length: text.split(/\s+/).filter(Boolean).length,
    };
  });
}
