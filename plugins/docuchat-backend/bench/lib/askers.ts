import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { AskSample, AskTarget } from './askClient';

/** When the test server got one chat request and sent its first word. */
export interface ModelTiming {
  receivedAt: number;
  firstDeltaAt?: number;
}

export interface AskRequest {
  target: AskTarget;
  questions: string[];
  concurrency: number;
  stream: boolean;
}

export type AskerMessage =
  | { kind: 'ready'; baseURL: string }
  | {
      kind: 'answered';
      samples: AskSample[];
      wallMs: number;
      modelTimings: Array<[string, ModelTiming]>;
    };

export interface AskRun {
  samples: AskSample[];
  wallMs: number;
  /** The model's own time per question (the last user message). */
  modelTimings: Map<string, ModelTiming>;
}

export interface Askers {
  /** The OpenAI test server's base URL, for the plugin's config. */
  baseURL: string;
  /** One run: every question asked by `concurrency` askers. */
  ask(
    target: AskTarget,
    questions: string[],
    options: { concurrency: number; stream: boolean },
  ): Promise<AskRun>;
  close(): Promise<void>;
}

/**
 * Starts the askers and the OpenAI test server in a worker thread
 * (askerThread.ts); runs are asked for one at a time.
 */
export async function startAskers(): Promise<Askers> {
  const worker = new Worker(require.resolve('./askerThread.ts'), {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
  });
  const next = async (): Promise<AskerMessage> => {
    const [message] = await Promise.race([
      once(worker, 'message'),
      once(worker, 'error').then(([error]) => {
        throw error;
      }),
    ]);
    return message;
  };
  const ready = await next();
  if (ready.kind !== 'ready') throw new Error('asker thread did not start');
  return {
    baseURL: ready.baseURL,
    async ask(target, questions, options) {
      // Only the fields: the target may be an object with methods, which
      // cannot cross to the thread.
      const { askUrl, authorization } = target;
      const request: AskRequest = {
        target: { askUrl, authorization },
        questions,
        ...options,
      };
      worker.postMessage(request);
      const reply = await next();
      if (reply.kind !== 'answered') throw new Error('unexpected reply');
      return { ...reply, modelTimings: new Map(reply.modelTimings) };
    },
    async close() {
      await worker.terminate();
    },
  };
}
