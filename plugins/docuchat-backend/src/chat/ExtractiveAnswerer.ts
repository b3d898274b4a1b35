import {
  ChatMessage,
  ChatModel,
  ChatStream,
} from '@docuchat/backstage-plugin-docuchat-node';
import { countTokens } from '../ingest/tokens';
import { DeltaStream } from './DeltaStream';
import { AnswerSource, AnswerUnit, answerUnits } from './answerUnits';
import { scoreSentences } from './rankSentences';
import { SemanticSimilarity } from './semanticOverlap';
import { contentWords, isPersian } from './sentences';

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

// Selection. A unit is on topic when it holds at least one of the
// question's words and either enough of them (IDF-weighted share, its
// headings counting half) or a close enough meaning (cosine with the
// question). Meaning alone never suffices: with the local model unrelated
// sentences reach 0.4-0.55. Among units on topic: maximal marginal
// relevance (relevance, shorter units preferred, against overlap with what
// was already chosen), down to a share of the best one's relevance. The
// question is answered when any unit is on topic; otherwise the answer
// says the documents do not answer it. Tuned on the first 47 questions of
// `yarn eval:answers` (a01-a47), never on the 20 written blind (b01-b20).
const MMR_LAMBDA = 0.7;
const MIN_RELATIVE_RELEVANCE = 0.6;
const MIN_UNIT_COVERAGE = 0.25;
const MIN_SEMANTIC = 0.45;
// Words at which a unit's value in the selection is halved.
const BREVITY_WORDS = 60;

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
  ): ChatStream {
    const promptTokens =
      countTokens(question) +
      sources.reduce((sum, source) => sum + countTokens(source.text), 0);
    let text = '';
    const compose = () => this.#compose(question, sources, signal);
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

  /** The answer as deltas: the intro, then one cited unit each. */
  async #compose(
    question: string,
    sources: NumberedSource[],
    signal?: AbortSignal,
  ): Promise<string[]> {
    const persian = isPersian(question);
    const phrases = persian ? PHRASES.fa : PHRASES.en;
    const withCode = ASKS_FOR_COMMAND.test(question);
    const all = uniqueUnits(sources);
    // Quotes in the question's language, when the passages have any.
    const sameLanguage = all.filter(unit => isPersian(unit.text) === persian);
    const units = sameLanguage.length > 0 ? sameLanguage : all;
    const scored = scoreUnits(question, units, sources, withCode);
    if (this.#similarity && scored.length > 0) {
      const similarities = await this.#similarity(
        question,
        scored.map(unit => quotedText(unit, withCode)),
        signal,
      );
      scored.forEach((unit, i) => {
        unit.semantic = similarities[i];
      });
    }
    const onTopic = scored.filter(isOnTopic);
    const best = onTopic.reduce<ScoredUnit | undefined>(
      (top, unit) => (!top || unit.relevance > top.relevance ? unit : top),
      undefined,
    );
    if (!best) return notAnswered(phrases, sources);

    const chosen: ScoredUnit[] = [];
    let words = 0;
    const candidates = onTopic.filter(
      unit => unit.relevance >= best.relevance * MIN_RELATIVE_RELEVANCE,
    );
    while (candidates.length > 0) {
      let pick = 0;
      let pickValue = -Infinity;
      candidates.forEach((unit, i) => {
        const overlap = Math.max(
          0,
          ...chosen.map(other => similarity(unit.words, other.words)),
        );
        const value =
          MMR_LAMBDA *
            Math.min(1, unit.relevance / best.relevance) *
            brevity(wordCount(unit, withCode)) -
          (1 - MMR_LAMBDA) * overlap;
        if (value > pickValue) {
          pick = i;
          pickValue = value;
        }
      });
      const [unit] = candidates.splice(pick, 1);
      const length = wordCount(unit, withCode);
      // The best unit is always quoted; the rest only while they fit and
      // add something.
      if (
        chosen.length > 0 &&
        (words + length > this.#maxWords || pickValue <= 0)
      ) {
        continue;
      }
      chosen.push(unit);
      words += length;
    }

    // The passages' order, and each passage's own order: how it reads.
    chosen.sort((a, b) => a.n - b.n || a.position - b.position);
    const parts = [phrases.intro];
    let lineBreak = false;
    const leadIns = new Set<string>();
    for (const unit of chosen) {
      const quoted = cite(unit.text, unit.n);
      if (unit.leadIn && !leadIns.has(`${unit.n}:${unit.leadIn}`)) {
        // The sentence that introduces the list, once, before its items.
        leadIns.add(`${unit.n}:${unit.leadIn}`);
        parts.push(`${lineBreak ? '\n' : ' '}${cite(unit.leadIn, unit.n)}`);
      }
      if (unit.kind === 'list-item') parts.push(`\n- ${quoted}`);
      else parts.push(`${lineBreak ? '\n' : ' '}${quoted}`);
      lineBreak = unit.kind === 'list-item';
      if (withCode && unit.code !== undefined) {
        parts.push(`\n\`\`\`\n${unit.code}\n\`\`\`\n`);
        lineBreak = true;
      }
    }
    return parts;
  }
}

interface ScoredUnit extends AnswerUnit {
  words: Set<string>;
  relevance: number;
  /** Share of the question's IDF-weighted words the unit (and headings) hold. */
  coverage: number;
  /** Cosine of the unit's meaning with the question's, when known. */
  semantic?: number;
}

/** Whether a unit answers the question rather than merely sharing a word. */
function isOnTopic(unit: ScoredUnit): boolean {
  return (
    unit.relevance > 0 &&
    (unit.coverage >= MIN_UNIT_COVERAGE || (unit.semantic ?? 0) >= MIN_SEMANTIC)
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

/**
 * Relevance: BM25 of the unit (with its code, when code is wanted) against
 * the question, plus half the weight of question words found in its
 * passage's headings (a sentence under "Tests" is about tests), a little
 * for the retriever's rank; a sentence that introduces a code block not
 * quoted counts half.
 */
function scoreUnits(
  question: string,
  units: AnswerUnit[],
  sources: NumberedSource[],
  withCode: boolean,
): ScoredUnit[] {
  const texts = units.map(unit =>
    withCode && unit.code ? `${unit.text}\n${unit.code}` : unit.text,
  );
  const bm25 = scoreSentences(question, texts);
  const queryTerms = [...new Set(contentWords(question))];
  const unitWords = texts.map(text => new Set(contentWords(text)));
  const idf = new Map(
    queryTerms.map(term => {
      const df = unitWords.filter(words => words.has(term)).length;
      return [term, Math.log(1 + (units.length - df + 0.5) / (df + 0.5))];
    }),
  );
  const totalIdf = [...idf.values()].reduce((sum, v) => sum + v, 0) || 1;
  const headingWords = new Map(
    sources.map(source => [
      source.n,
      new Set(
        contentWords(
          [source.documentTitle ?? '', ...(source.headingPath ?? [])].join(' '),
        ),
      ),
    ]),
  );
  const rankOf = new Map(sources.map((source, rank) => [source.n, rank]));
  return units.map((unit, i) => {
    const headings = headingWords.get(unit.n) ?? new Set<string>();
    let headingScore = 0;
    let covered = 0;
    for (const term of queryTerms) {
      const inUnit = unitWords[i].has(term);
      const inHeadings = headings.has(term);
      if (inHeadings) headingScore += 0.5 * idf.get(term)!;
      // Words only in the headings say where the unit is, not what it says.
      if (inUnit) covered += idf.get(term)!;
      else if (inHeadings) covered += 0.5 * idf.get(term)!;
    }
    let relevance =
      bm25[i] > 0
        ? bm25[i] + headingScore + 0.2 / (1 + (rankOf.get(unit.n) ?? 0))
        : 0;
    if (unit.code !== undefined && !withCode) relevance /= 2;
    return {
      ...unit,
      words: unitWords[i],
      relevance,
      coverage: bm25[i] > 0 ? covered / totalIdf : 0,
    };
  });
}

/** Shorter units say the same in fewer of the answer's words. */
function brevity(words: number): number {
  return 1 / (1 + words / BREVITY_WORDS);
}

/** Jaccard overlap of two units' content words. */
function similarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

function wordCount(unit: AnswerUnit, withCode: boolean): number {
  return quotedText(unit, withCode).split(/\s+/).filter(Boolean).length;
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
