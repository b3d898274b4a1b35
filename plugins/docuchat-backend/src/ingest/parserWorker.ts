import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseAndChunk, ParseRequest } from './parseAndChunk';
import { toWireError, WireError } from './parseFailures';
import { Chunk } from './types';

/**
 * The code of a parser worker thread (started by ParserPool): parses and
 * chunks one document per message, answering with the chunks or the error.
 *
 * The pool imports this module for its file name rather than resolving a
 * path itself, so every way the backend runs finds it: Jest and
 * `backstage-cli package start` load the `.ts` source, and the package
 * build (one output file per module) emits `dist/ingest/parserWorker.cjs.js`
 * only because something imports it.
 */
export const PARSER_WORKER_FILE = __filename;

/** Set in `workerData` by the pool; nothing else runs this module's loop. */
export const PARSER_WORKER_FLAG = 'docuchatParserWorker';

/** One document, as the pool sends it. */
export interface ParseTask {
  id: number;
  bytes: Uint8Array;
  request: ParseRequest;
}

/** The worker's answer to a task. */
export type ParseTaskResult =
  | { id: number; chunks: Chunk[] }
  | { id: number; error: WireError };

if (!isMainThread && parentPort && workerData?.[PARSER_WORKER_FLAG]) {
  const port = parentPort;
  port.on('message', async (task: ParseTask) => {
    let result: ParseTaskResult;
    try {
      result = {
        id: task.id,
        chunks: await parseAndChunk(task.bytes, task.request),
      };
    } catch (error) {
      result = { id: task.id, error: toWireError(error) };
    }
    port.postMessage(result);
  });
}
