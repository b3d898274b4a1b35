import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
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
 * Starts the askers and the OpenAI test server in a child process
 * (askerProcess.ts); runs are asked for one at a time.
 */
export async function startAskers(): Promise<Askers> {
  const child: ChildProcess = fork(require.resolve('./askerProcess.ts'), [], {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // One reply at a time: the bench waits for each before it asks again.
  let waiting:
    | { resolve: (m: AskerMessage) => void; reject: (e: Error) => void }
    | undefined;
  child.on('message', (message: Partial<AskerMessage>) => {
    // The TypeScript loader tells a parent of each file it compiles.
    if (message?.kind) waiting?.resolve(message as AskerMessage);
  });
  child.on('exit', code =>
    waiting?.reject(new Error(`the asker process exited (code ${code})`)),
  );
  const next = () =>
    new Promise<AskerMessage>((resolve, reject) => {
      waiting = { resolve, reject };
    });
  const ready = await next();
  if (ready.kind !== 'ready')
    throw new Error('the asker process did not start');
  return {
    baseURL: ready.baseURL,
    async ask(target, questions, options) {
      // Only the fields: the target may be an object with methods, which
      // cannot cross to the process.
      const { askUrl, authorization } = target;
      const request: AskRequest = {
        target: { askUrl, authorization },
        questions,
        ...options,
      };
      child.send(request);
      const reply = await next();
      if (reply.kind !== 'answered') throw new Error('unexpected reply');
      return { ...reply, modelTimings: new Map(reply.modelTimings) };
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    },
  };
}
