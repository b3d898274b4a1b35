import {
  ChatMessage,
  ChatModel,
  ChatStream,
} from '@docuchat/backstage-plugin-docuchat-node';
import { countTokens } from '../ingest/tokens';
import { DeltaStream } from './DeltaStream';
import { AnswerSource, AnswerUnit, answerUnits } from './answerUnits';
import { WordStatistics } from '../search/FullTextIndex';
import {
  queryTerms,
  RankedUnit,
  rankUnits,
  stemsOf,
  WordStatisticsLookup,
} from './rankUnits';
import { SemanticSimilarity } from './semanticOverlap';
import { contentTerms, isPersian } from './sentences';

/**
 * A retrieved passage as the prompt numbers it: cited as `[n]`. Its blocks
 * and headings (from the chunk) let the answer quote whole sentences and
 * list items and never a heading or table row alone.
 */
export interface NumberedSource extends AnswerSource {
  documentTitle?: string;
}

export interface ExtractiveAnswererOptions {
  /** Longest answer, in words of quoted text. Default 80. */
  maxWords?: number;
  /**
   * Semantic overlap of the question with each unit (the local embedding
   * model); without it units are judged by the question's words alone.
   */
  similarity?: SemanticSimilarity;
}

const PHRASES = {
  en: {
    intro: 'From the documents:',
    nothing:
      'The documents do not answer this question. Try other words, or check that the right documents are uploaded.',
    closest: 'The closest passages:',
  },
  fa: {
    intro: 'بر اساس اسناد:',
    nothing:
      'اسناد به این پرسش پاسخ نمی‌دهند. پرسش را با واژه‌های دیگری بنویسید یا بررسی کنید که اسناد درست بارگذاری شده باشند.',
    closest: 'نزدیک‌ترین بخش‌ها:',
  },
};

/** Questions that ask for something to type: then code is quoted too. */
const ASKS_FOR_COMMAND =
  /\b(?:commands?|run|running|start|stop|restart|install|execute|launch|scripts?|cli|shell|terminal)\b|فرمان|دستور|اجرا|راه‌اندازی|نصب/iu;

// Selection (tuned on the first 47 questions of `yarn eval:answers`,
// a01-a47, never on the 20 written blind, b01-b20). Units are ranked by the
// share of the question's IDF-weighted words they hold (rankUnits.ts), a
// little more for a higher-ranked passage, less for a sentence introducing
// code nobody asked for. The best one is quoted when it holds
// MIN_COVERAGE of the question; up to MAX_UNITS with it when they come
// within RELATIVE_VALUE of it, reach the bar themselves and repeat nothing
// already quoted. When no unit reaches the bar, the unit closest in meaning
// may answer instead (the local model, English only: it has no Persian
// vocabulary, and unrelated English sentences still reach 0.4-0.55, so
// meaning only rescues, it never ranks); otherwise the documents do not
// answer.
const MIN_COVERAGE = 0.3;
const MAX_UNITS = 3;
const RELATIVE_VALUE = 0.8;
const PASSAGE_RANK_BONUS = 0.05;
const UNASKED_CODE_PENALTY = 0.1;
const MIN_SEMANTIC = 0.45;
/** Units embedded when words fall short. */
const SEMANTIC_SHORTLIST = 8;
/** Jaccard overlap of content words above which a unit repeats another. */
const REPEATS = 0.5;

/**
 * The last step of the chat model chain, and the answer when no model is
 * configured: quotes whole sentences and list items of the retrieved
 * passages (a command's code block with what introduces it, when the
 * question asks for one), chosen by relevance to the question with
 * redundancy removed, at most about `maxWords` words, in the passages'
 * order, each with its `[n]` citation. When no passage answers well
 * enough, it says that the documents do not answer and lists the closest
 * passages instead of stitching unrelated text. Local and deterministic,
 * so it never fails; its usage is counted with the tokenizer and is exact
 * for what it read and wrote (`estimated: false`), though no provider
 * bills it.
 */
export class ExtractiveAnswerer implements ChatModel {
  readonly id = 'local:extractive';
  readonly #maxWords: number;
  readonly #similarity?: SemanticSimilarity;

  constructor(options: ExtractiveAnswererOptions = {}) {
    this.#maxWords = options.maxWords ?? 80;
    this.#similarity = options.similarity;
  }

  /** The answer to `question` from `sources`; what the chain calls. */
  answer(
    question: string,
    sources: NumberedSource[],
    signal?: AbortSignal,
    /** The tenant's word statistics, for weighing the question's words. */
    statistics?: WordStatisticsLookup,
  ): ChatStream {
    const promptTokens =
      countTokens(question) +
      sources.reduce((sum, source) => sum + countTokens(source.text), 0);
    let text = '';
    const compose = () => this.#compose(question, sources, signal, statistics);
    return new DeltaStream({
      first: [],
      // One delta per quoted sentence, so a client sees the same kind of
      // stream as from a model.
      rest: (async function* deltas() {
        for (const delta of await compose()) {
          text += delta;
          yield delta;
        }
      })(),
      finish: () => ({
        promptTokens,
        completionTokens: countTokens(text),
        estimated: false,
      }),
    });
  }

  /**
   * `ChatModel` form, for callers that only have a conversation: the
   * question is the last user message, the sources are the `[n] text`
   * blocks (a line starting with `[n]` opens one) in the other messages.
   */
  async stream(request: {
    messages: ChatMessage[];
    signal?: AbortSignal;
  }): Promise<ChatStream> {
    request.signal?.throwIfAborted();
    const lastUser = request.messages
      .map(message => message.role)
      .lastIndexOf('user');
    const question = lastUser === -1 ? '' : request.messages[lastUser].content;
    const sources = request.messages
      .filter((_, i) => i !== lastUser)
      .flatMap(message => parseNumberedSources(message.content));
    return this.answer(question, sources);
  }

  /** The unit closest in meaning, if close enough; needs `similarity`. */
  async #closeInMeaning(
    question: string,
    units: RankedUnit[],
    withCode: boolean,
    signal?: AbortSignal,
  ): Promise<RankedUnit | undefined> {
    if (!this.#similarity || units.length === 0 || isPersian(question)) {
      return undefined;
    }
    const similarities = await this.#similarity(
      question,
      units.map(unit => quotedText(unit, withCode)),
      signal,
    );
    let closest: RankedUnit | undefined;
    units.forEach((unit, i) => {
      unit.semantic = similarities[i];
      if (
        similarities[i] >= MIN_SEMANTIC &&
        similarities[i] > (closest?.semantic ?? -1)
      ) {
        closest = unit;
      }
    });
    return closest;
  }

  /** The answer as deltas: the intro, then one cited unit each. */
  async #compose(
    question: string,
    sources: NumberedSource[],
    signal?: AbortSignal,
    statisticsLookup?: WordStatisticsLookup,
  ): Promise<string[]> {
    const persian = isPersian(question);
    const phrases = persian ? PHRASES.fa : PHRASES.en;
    const withCode = ASKS_FOR_COMMAND.test(question);
    const all = uniqueUnits(sources);
    // Quotes in the question's language, when the passages have any.
    const sameLanguage = all.filter(unit => isPersian(unit.text) === persian);
    const units = sameLanguage.length > 0 ? sameLanguage : all;
    const asked = [
      ...new Set(contentTerms(question, 'whole').map(term => term.word)),
    ];
    const statistics = await lookUp(statisticsLookup, asked, signal);
    // Without the tenant's statistics, every retrieved unit stands in.
    const terms = queryTerms(
      question,
      all.map(unit => ({ words: stemsOf(quotedText(unit, withCode)) })),
      statistics,
    );
    const ranked = rankUnits(units, sources, terms, unit =>
      quotedText(unit, withCode),
    ).filter(unit => unit.matched.size > 0);
    const value = (unit: RankedUnit) =>
      unit.coverage +
      PASSAGE_RANK_BONUS / (1 + unit.rank) -
      (unit.code !== undefined && !withCode ? UNASKED_CODE_PENALTY : 0);
    ranked.sort((a, b) => value(b) - value(a));
    let best: RankedUnit | undefined = ranked[0];
    if (best && best.coverage < MIN_COVERAGE) {
      best = await this.#closeInMeaning(
        question,
        ranked.slice(0, SEMANTIC_SHORTLIST),
        withCode,
        signal,
      );
      if (best) ranked.splice(0, ranked.length, best);
    }
    if (!best) return notAnswered(phrases, sources);

    const chosen: RankedUnit[] = [best];
    let words = best.length;
    for (const unit of ranked.slice(1)) {
      if (chosen.length >= MAX_UNITS) break;
      if (value(unit) < RELATIVE_VALUE * value(best)) break;
      if (
        unit.coverage < MIN_COVERAGE ||
        words + unit.length > this.#maxWords ||
        chosen.some(other => similarity(unit.words, other.words) > REPEATS)
      ) {
        continue;
      }
      chosen.push(unit);
      words += unit.length;
    }

    // The passages' order, and each passage's own order: how it reads.
    chosen.sort((a, b) => a.n - b.n || a.position - b.position);
    const parts = [phrases.intro];
    let lineBreak = false;
    const leadIns = new Set<string>();
    let previous: RankedUnit | undefined;
    for (const unit of chosen) {
      const quoted = cite(unit.text, unit.n);
      if (unit.leadIn && !leadIns.has(`${unit.n}:${unit.leadIn}`)) {
        // The sentence that introduces the list, once, before its items.
        leadIns.add(`${unit.n}:${unit.leadIn}`);
        parts.push(`${lineBreak ? '\n' : ' '}${cite(unit.leadIn, unit.n)}`);
      }
      if (unit.kind === 'list-item' && sameItem(unit, previous)) {
        parts.push(` ${quoted}`);
      } else if (unit.kind === 'list-item') parts.push(`\n- ${quoted}`);
      else parts.push(`${lineBreak ? '\n' : ' '}${quoted}`);
      lineBreak = unit.kind === 'list-item';
      previous = unit;
      if (withCode && unit.code !== undefined) {
        parts.push(`\n\`\`\`\n${unit.code}\n\`\`\`\n`);
        lineBreak = true;
      }
    }
    return parts;
  }
}

/**
 * The tenant's statistics for the question's words; without them (none
 * given, or the database failed) the units' own words stand in: this
 * answerer must answer whatever fails.
 */
async function lookUp(
  lookup: WordStatisticsLookup | undefined,
  words: string[],
  signal?: AbortSignal,
): Promise<WordStatistics | undefined> {
  if (!lookup || words.length === 0) return undefined;
  try {
    return await lookup(words, signal);
  } catch {
    signal?.throwIfAborted();
    return undefined;
  }
}

/** Whether two units are sentences of one list item. */
function sameItem(unit: RankedUnit, other?: RankedUnit): boolean {
  return (
    other !== undefined &&
    other.n === unit.n &&
    other.item !== undefined &&
    other.item === unit.item
  );
}

/** What a unit quotes: its lead-in, its text, its code when asked for. */
function quotedText(unit: AnswerUnit, withCode: boolean): string {
  return [unit.leadIn, unit.text, withCode ? unit.code : undefined]
    .filter(Boolean)
    .join('\n');
}

/** Every unit of every source once (passages overlap), with its source. */
function uniqueUnits(sources: NumberedSource[]): AnswerUnit[] {
  const seen = new Set<string>();
  return sources
    .flatMap(source => answerUnits(source))
    .filter(unit => {
      if (seen.has(unit.text)) return false;
      seen.add(unit.text);
      return true;
    });
}

/** Jaccard overlap of two units' content words. */
function similarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

/** The "not in the documents" answer, with the closest passages if any. */
function notAnswered(
  phrases: (typeof PHRASES)['en'],
  sources: NumberedSource[],
): string[] {
  if (sources.length === 0) return [phrases.nothing];
  return [
    phrases.nothing,
    ` ${phrases.closest}`,
    ...sources.slice(0, 3).map(source => {
      const where = [source.documentTitle, ...(source.headingPath ?? [])]
        .filter(Boolean)
        .join(' › ');
      return `\n[${source.n}] ${where || source.text.slice(0, 60)}`;
    }),
  ];
}

/**
 * `text [n].`: the marker goes before the closing punctuation (a full stop
 * is added where there is none).
 */
function cite(text: string, n: number): string {
  const [, body, end] = text.match(/^([\s\S]*?)([.!?؟۔…:]*)$/u)!;
  return `${body} [${n}]${end || '.'}`;
}

/**
 * The sources of a prompt as buildPrompt writes them: `[n] title › heading`
 * on one line, the passage's text on the next ones. Lines before the first
 * marker are not sources.
 */
export function parseNumberedSources(content: string): NumberedSource[] {
  const sources: NumberedSource[] = [];
  const lines: string[][] = [];
  for (const line of content.split('\n')) {
    const marker = line.match(/^\s*\[(\d+)\]\s?(.*)$/);
    if (marker) {
      const [documentTitle, ...headingPath] = marker[2].split(' › ');
      sources.push({
        n: Number(marker[1]),
        documentTitle,
        headingPath,
        text: '',
      });
      lines.push([]);
    } else if (sources.length > 0) {
      lines[lines.length - 1].push(line);
    }
  }
  sources.forEach((source, i) => {
    source.text = lines[i].join('\n').trim();
  });
  return sources;
}
