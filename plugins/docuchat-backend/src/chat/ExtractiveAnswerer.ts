import {
  ChatMessage,
  ChatModel,
  ChatStream,
} from '@internal/backstage-plugin-docuchat-node';
import { countTokens } from '../ingest/tokens';
import { DeltaStream } from './DeltaStream';
import { scoreSentences } from './rankSentences';
import { isPersian, splitSentences } from './sentences';

/** A retrieved passage as the prompt numbers it: cited as `[n]`. */
export interface NumberedSource {
  n: number;
  text: string;
}

export interface ExtractiveAnswererOptions {
  /** Most sentences quoted in an answer. Default 3. */
  maxSentences?: number;
}

const PHRASES = {
  en: {
    intro: 'From the documents:',
    nothing:
      'I could not find anything about this in the documents. Try other words, or check that the right documents are uploaded.',
  },
  fa: {
    intro: 'بر اساس اسناد:',
    nothing:
      'در اسناد چیزی درباره‌ی این پرسش پیدا نکردم. پرسش را با واژه‌های دیگری بنویسید یا بررسی کنید که اسناد درست بارگذاری شده باشند.',
  },
};

/**
 * The last step of the chat model chain, and the answer when no model is
 * configured: quotes the sentences of the retrieved passages that best match
 * the question (BM25 over sentences), each with its `[n]` citation, or says
 * plainly that nothing matched. Local and deterministic, so it never fails;
 * its usage is counted with the tokenizer and is exact for what it read and
 * wrote (`estimated: false`), though no provider bills it.
 */
export class ExtractiveAnswerer implements ChatModel {
  readonly id = 'local:extractive';
  readonly #maxSentences: number;

  constructor(options: ExtractiveAnswererOptions = {}) {
    this.#maxSentences = options.maxSentences ?? 3;
  }

  /** The answer to `question` from `sources`; what the chain calls. */
  answer(question: string, sources: NumberedSource[]): ChatStream {
    const deltas = this.#compose(question, sources);
    const text = deltas.join('');
    const promptTokens =
      countTokens(question) +
      sources.reduce((sum, source) => sum + countTokens(source.text), 0);
    return new DeltaStream({
      // One delta per quoted sentence, so a client sees the same kind of
      // stream as from a model.
      first: deltas,
      rest: (async function* nothingMore() {})(),
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

  /** The answer as deltas: the intro, then one cited sentence each. */
  #compose(question: string, sources: NumberedSource[]): string[] {
    const phrases = isPersian(question) ? PHRASES.fa : PHRASES.en;
    const candidates = uniqueSentences(sources);
    const scores = scoreSentences(
      question,
      candidates.map(c => c.sentence),
    );
    const chosen = candidates
      .map((candidate, i) => ({ ...candidate, score: scores[i] }))
      .filter(candidate => candidate.score > 0)
      // Best first; ties keep passage order (the retriever's ranking).
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .slice(0, this.#maxSentences);
    if (chosen.length === 0) {
      return [phrases.nothing];
    }
    const parts = [
      phrases.intro,
      ...chosen.map(({ sentence, n }) => cite(sentence, n)),
    ];
    return parts.map((part, i) => (i < parts.length - 1 ? `${part} ` : part));
  }
}

/** Every sentence of every source once, with its source number. */
function uniqueSentences(sources: NumberedSource[]) {
  const seen = new Set<string>();
  const result: Array<{ sentence: string; n: number; order: number }> = [];
  for (const source of sources) {
    for (const sentence of splitSentences(source.text)) {
      if (seen.has(sentence)) continue;
      seen.add(sentence);
      result.push({ sentence, n: source.n, order: result.length });
    }
  }
  return result;
}

/** `sentence [n].`: the marker goes before the closing punctuation. */
function cite(sentence: string, n: number): string {
  const [, body, end] = sentence.match(/^([\s\S]*?)([.!?؟۔…]*)$/u)!;
  return `${body} [${n}]${end || '.'}`;
}

/** `[n] text` blocks of a prompt; lines before the first marker are not sources. */
export function parseNumberedSources(content: string): NumberedSource[] {
  const sources: NumberedSource[] = [];
  for (const line of content.split('\n')) {
    const marker = line.match(/^\s*\[(\d+)\]\s?(.*)$/);
    if (marker) {
      sources.push({ n: Number(marker[1]), text: marker[2] });
    } else if (sources.length > 0) {
      sources[sources.length - 1].text += `\n${line}`;
    }
  }
  return sources;
}
