/* eslint-disable jest/no-export -- shared set-up of the parser-worker tests, not a test file itself */
import type { Worker } from 'node:worker_threads';

/**
 * Every worker given a document, in order, so a test can kill the one
 * parsing the way a crash would. Filled by the module that
 * `recordingWorkerThreads` makes; a test file installs it with
 *
 *     jest.mock('node:worker_threads', () =>
 *       jest.requireActual('…/parsingWorkers').recordingWorkerThreads(),
 *     );
 */
export const parsingWorkers: Worker[] = [];

/** node:worker_threads, with a Worker that records each document it is given. */
export function recordingWorkerThreads() {
  const actual = jest.requireActual('node:worker_threads');
  return {
    ...actual,
    Worker: class extends actual.Worker {
      postMessage(...args: Parameters<Worker['postMessage']>) {
        parsingWorkers.push(this as unknown as Worker);
        return super.postMessage(...args);
      }
    },
  };
}

/** The worker that got the `n`th document (1-based), once it has. */
export async function parsingWorker(n: number): Promise<Worker> {
  while (parsingWorkers.length < n) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  return parsingWorkers[n - 1];
}
