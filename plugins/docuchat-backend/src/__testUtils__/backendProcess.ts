import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** A DocuChat backend in a child process, to be killed by a test. */
export interface BackendProcess {
  /** `http://127.0.0.1:<port>/api/docuchat` */
  apiUrl: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise(done => server.close(done));
  return port;
}

const ENTRY = resolve(__dirname, 'crashableBackend.ts');

/**
 * Starts crashableBackend.ts with `config` (merged under `backend` with a
 * free port) and resolves once `/api/docuchat/health` answers.
 */
export async function startBackendProcess(options: {
  config: Record<string, any>;
  timeoutMs?: number;
  /** Adds the catalog backend plugin (its config goes in `config`). */
  withCatalog?: boolean;
}): Promise<BackendProcess> {
  const port = await freePort();
  const config = {
    ...options.config,
    backend: {
      ...options.config.backend,
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
    },
  };
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ENTRY,
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        DOCUCHAT_BACKEND_CONFIG: JSON.stringify(config),
        ...(options.withCatalog && { DOCUCHAT_TEST_BACKEND_WITH_CATALOG: '1' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>(done => child.once('exit', (code, signal) => done({ code, signal })));

  const apiUrl = `http://127.0.0.1:${port}/api/docuchat`;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) {
      throw new Error(`The backend exited while starting:\n${output}`);
    }
    const ok = await fetch(`${apiUrl}/health`).then(
      res => res.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The backend did not start in time:\n${output}`);
    }
    await new Promise(done => setTimeout(done, 200));
  }
  return {
    apiUrl,
    child,
    exited,
    output: () => output,
    kill: signal => child.kill(signal),
  };
}
