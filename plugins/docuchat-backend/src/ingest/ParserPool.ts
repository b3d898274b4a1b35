import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ParseRequest } from './parseAndChunk';
import { fromWireError, ParserCrashedError } from './parseFailures';
import {
  DEFAULT_PARSE_LIMITS,
  DocumentLimitError,
  ParseLimits,
} from './parseLimits';
import {
  PARSER_WORKER_FILE,
  PARSER_WORKER_FLAG,
  ParseTask,
  ParseTaskResult,
} from './parserWorker';
import { Chunk } from './types';

/** What to parse an upload as, and how to chunk it. */
export type DocumentParseRequest = Omit<ParseRequest, 'limits'>;

/** Turns an upload into chunks; the pool does it off the event loop. */
export interface DocumentParser {
  parse(
    bytes: Uint8Array,
    request: DocumentParseRequest,
    signal?: AbortSignal,
  ): Promise<Chunk[]>;
}

export interface ParserPoolOptions {
  /** Worker threads at most. */
  workers: number;
  /** Old-generation heap of each worker (`resourceLimits`), in MB. */
  heapMegabytes: number;
  /** Wall-clock limit of one document, worker start included, in ms. */
  timeoutMs: number;
  limits: ParseLimits;
  /** A worker idle this long stops (restarted on demand). Default 60 s. */
  idleMs?: number;
}

/** One worker for every core but the event loop's, at least one, at most four. */
export function defaultParserWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export const DEFAULT_PARSER_POOL: ParserPoolOptions = {
  workers: defaultParserWorkers(),
  heapMegabytes: 512,
  timeoutMs: 60_000,
  limits: DEFAULT_PARSE_LIMITS,
};

// Loads the worker module: through Backstage's TypeScript transform when it
// is the source (Jest, tests' child processes) unless the process already
// registered one (`backstage-cli package start` passes it to workers in
// execArgv), and plainly when it is the build.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.transform && !require.extensions['.ts']) require(workerData.transform);
require(workerData.entry);
`;

interface Job {
  task: ParseTask;
  resolve(chunks: Chunk[]): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
  /** Workers that died under this job so far. */
  crashes: number;
  settled: boolean;
}

interface PoolWorker {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  /** Why the worker died, from its 'error' event (e.g. out of memory). */
  error?: unknown;
  /** Terminated on purpose (timeout, abort, idle, close): not a crash. */
  retired: boolean;
}

/**
 * A pool of worker threads that parse and chunk untrusted documents, so a
 * document made to be expensive costs a worker, never the event loop every
 * plugin of the backend shares. Each worker has a heap limit; each document
 * a wall-clock limit, after which its worker is terminated (the only way to
 * stop a parser mid-loop) and replaced. A worker that runs out of memory
 * fails its document; one that dies otherwise (killed, a native crash) gets
 * the document once more in a fresh worker, then fails it.
 */
export class ParserPool implements DocumentParser {
  readonly #options: Required<ParserPoolOptions>;
  readonly #workers = new Set<PoolWorker>();
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closing = false;
  #drained?: () => void;

  constructor(options: ParserPoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new Error(
        `Parser workers must be at least 1, got ${options.workers}`,
      );
    }
    this.#options = { idleMs: 60_000, ...options };
  }

  /** Workers running now (busy or idle). */
  get size(): number {
    return this.#workers.size;
  }

  /** The thread ids of the workers parsing a document now (for tests and diagnostics). */
  busyThreadIds(): number[] {
    return [...this.#workers]
      .filter(w => w.job && !w.retired)
      .map(w => w.worker.threadId);
  }

  parse(
    bytes: Uint8Array,
    request: DocumentParseRequest,
    signal?: AbortSignal,
  ): Promise<Chunk[]> {
    if (this.#closing) {
      return Promise.reject(new Error('The parser pool is closed'));
    }
    signal?.throwIfAborted();
    return new Promise<Chunk[]>((resolve, reject) => {
      const job: Job = {
        task: {
          id: this.#nextId++,
          bytes,
          request: { ...request, limits: this.#options.limits },
        },
        resolve,
        reject,
        signal,
        crashes: 0,
        settled: false,
      };
      job.onAbort = () => this.#abort(job);
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /**
   * Takes no more documents, lets the ones queued and running finish (each
   * is bounded by the timeout, or aborted by its caller), then stops every
   * worker.
   */
  async close(): Promise<void> {
    this.#closing = true;
    if (
      this.#queue.length > 0 ||
      [...this.#workers].some(w => w.job && !w.job.settled)
    ) {
      await new Promise<void>(resolve => {
        this.#drained = resolve;
      });
    }
    await Promise.all([...this.#workers].map(w => this.#retire(w)));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let free = [...this.#workers].find(w => !w.job && !w.retired);
      if (!free) {
        if (this.#busy() >= this.#options.workers) return;
        free = this.#spawn();
      }
      this.#start(free, this.#queue.shift()!);
    }
  }

  #busy(): number {
    return [...this.#workers].filter(w => !w.retired).length;
  }

  #spawn(): PoolWorker {
    const entry = PARSER_WORKER_FILE;
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      name: 'docuchat-parser',
      workerData: {
        [PARSER_WORKER_FLAG]: true,
        entry,
        transform: entry.endsWith('.ts')
          ? require.resolve('@backstage/cli/config/nodeTransform.cjs')
          : undefined,
      },
      resourceLimits: { maxOldGenerationSizeMb: this.#options.heapMegabytes },
    });
    const pw: PoolWorker = { worker, retired: false };
    worker.on('message', (result: ParseTaskResult) =>
      this.#finished(pw, result),
    );
    worker.on('error', error => {
      pw.error = error;
    });
    worker.on('exit', code => this.#exited(pw, code));
    this.#workers.add(pw);
    return pw;
  }

  #start(pw: PoolWorker, job: Job): void {
    clearTimeout(pw.idleTimer);
    pw.job = job;
    pw.worker.ref();
    pw.timer = setTimeout(() => {
      this.#settle(
        job,
        new DocumentLimitError(
          'timeout',
          `Parsing took longer than ${Math.round(
            this.#options.timeoutMs / 1000,
          )} s; the worker was stopped`,
        ),
      );
      void this.#retire(pw);
    }, this.#options.timeoutMs);
    // A copy the worker owns: moved, not cloned, and the caller's buffer
    // stays usable.
    const bytes = new Uint8Array(job.task.bytes);
    pw.worker.postMessage({ ...job.task, bytes }, [bytes.buffer]);
  }

  #finished(pw: PoolWorker, result: ParseTaskResult): void {
    const job = pw.job;
    if (!job || job.task.id !== result.id) return;
    clearTimeout(pw.timer);
    pw.job = undefined;
    if ('error' in result) this.#settle(job, fromWireError(result.error));
    else this.#settle(job, undefined, result.chunks);
    if (pw.retired) return;
    pw.worker.unref();
    pw.idleTimer = setTimeout(
      () => void this.#retire(pw),
      this.#options.idleMs,
    );
    pw.idleTimer.unref();
    this.#dispatch();
    this.#checkDrained();
  }

  #exited(pw: PoolWorker, code: number): void {
    clearTimeout(pw.timer);
    clearTimeout(pw.idleTimer);
    this.#workers.delete(pw);
    const job = pw.job;
    pw.job = undefined;
    if (job && !job.settled) {
      if (
        (pw.error as { code?: string })?.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ) {
        this.#settle(
          job,
          new DocumentLimitError(
            'memory',
            `Parsing needed more than the parser's ${
              this.#options.heapMegabytes
            } MB of memory`,
          ),
        );
      } else if (++job.crashes < 2) {
        this.#queue.unshift(job);
      } else {
        this.#settle(
          job,
          new ParserCrashedError(
            `The parser worker stopped unexpectedly twice while parsing the document (exit code ${code}${
              pw.error ? `: ${(pw.error as Error).message}` : ''
            })`,
          ),
        );
      }
    }
    this.#dispatch();
    this.#checkDrained();
  }

  #abort(job: Job): void {
    if (job.settled) return;
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) this.#queue.splice(queued, 1);
    this.#settle(job, job.signal?.reason ?? new Error('Parsing aborted'));
    const pw = [...this.#workers].find(w => w.job === job);
    if (pw) void this.#retire(pw);
    this.#checkDrained();
  }

  #settle(job: Job, error?: unknown, chunks?: Chunk[]): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (error) job.reject(error);
    else job.resolve(chunks!);
  }

  /** Terminates a worker on purpose; its exit then replaces it if work waits. */
  async #retire(pw: PoolWorker): Promise<void> {
    pw.retired = true;
    clearTimeout(pw.timer);
    clearTimeout(pw.idleTimer);
    await pw.worker.terminate();
  }

  #checkDrained(): void {
    if (
      this.#drained &&
      this.#queue.length === 0 &&
      ![...this.#workers].some(w => w.job && !w.job.settled)
    ) {
      this.#drained();
      this.#drained = undefined;
    }
  }
}
