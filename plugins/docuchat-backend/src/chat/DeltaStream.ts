import {
  ChatStream,
  ChatUsage,
} from '@docuchat/backstage-plugin-docuchat-node';

/**
 * A `ChatStream` over text deltas that have partly been read already: the
 * models read up to the first token before they hand the stream out (so a
 * failure before it can still fall back), and this replays that token, then
 * passes on the rest. When iteration ends in any way (done, error, `break`),
 * `usage()` settles with what `finish` computes then.
 */
export class DeltaStream implements ChatStream {
  readonly #first: string[];
  readonly #rest: AsyncGenerator<string, void, undefined>;
  readonly #finish: () => ChatUsage;
  readonly #close: () => void;
  readonly #usage: Promise<ChatUsage>;
  #resolveUsage!: (usage: ChatUsage) => void;
  #iterated = false;

  constructor(options: {
    /** Deltas already read, emitted first. */
    first: string[];
    /** The remaining deltas. */
    rest: AsyncGenerator<string, void, undefined>;
    /** The usage once the stream is over, however it ended. */
    finish: () => ChatUsage;
    /**
     * Releases the upstream request (abort, timers) when iteration is over;
     * needed when the consumer stops before `rest` was ever started, since
     * returning an unstarted generator does not run its cleanup.
     */
    close?: () => void;
  }) {
    this.#first = options.first;
    this.#rest = options.rest;
    this.#finish = options.finish;
    this.#close = options.close ?? (() => {});
    this.#usage = new Promise(resolve => {
      this.#resolveUsage = resolve;
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
    if (this.#iterated) {
      throw new Error('A chat stream can be iterated only once');
    }
    this.#iterated = true;
    try {
      yield* this.#first;
      // `yield*` forwards a consumer's `break` (return()) to the producer,
      // which closes the upstream request.
      yield* this.#rest;
    } finally {
      this.#close();
      this.#resolveUsage(this.#finish());
    }
  }

  usage(): Promise<ChatUsage> {
    return this.#usage;
  }
}
