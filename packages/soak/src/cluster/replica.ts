import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRecord } from '../record';
import { waitFor } from '../servers/run';

/**
 * One replica slot: the repository's backend (packages/backend, from its
 * TypeScript sources, as `yarn start` runs it) on a fixed port, started
 * again after every stop as a new process (generation). Its output goes to
 * `<logDir>/<instance>.log`.
 */
export class Replica {
  readonly slot: number;
  readonly port: number;
  #generation = 0;
  #child?: ChildProcess;
  #exited: Promise<void> = Promise.resolve();
  #record?: ProcessRecord;

  constructor(
    slot: number,
    port: number,
    private readonly options: {
      repoRoot: string;
      logDir: string;
      /** The config of a new process; `instance` names it. */
      config: (instance: string, port: number) => object;
      /** Every process started, in order. */
      processes: ProcessRecord[];
      startTimeoutMs: number;
    },
  ) {
    this.slot = slot;
    this.port = port;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The running process, if any (stopped ones are in `processes`). */
  get current(): ProcessRecord | undefined {
    return this.#record && this.#record.exitedAt === undefined
      ? this.#record
      : undefined;
  }

  /** The next process's name, e.g. `r2.3`. */
  nextInstance() {
    return `r${this.slot}.${this.#generation + 1}`;
  }

  async start(): Promise<ProcessRecord> {
    if (this.current) throw new Error(`${this.current.instance} is running`);
    const instance = `r${this.slot}.${++this.#generation}`;
    const configFile = join(this.options.logDir, `${instance}.config.json`);
    // JSON is YAML: Backstage's config loader reads it as given.
    await writeFile(
      configFile,
      JSON.stringify(this.options.config(instance, this.port), null, 2),
    );
    const log = openSync(join(this.options.logDir, `${instance}.log`), 'a');
    const backendDir = join(this.options.repoRoot, 'packages/backend');
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        join(backendDir, 'src/index.ts'),
        '--config',
        configFile,
      ],
      {
        cwd: backendDir,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          LOG_LEVEL: 'info',
          // V8's code cache on disk: restarts under load come up sooner.
          NODE_COMPILE_CACHE: join(tmpdir(), 'docuchat-soak-compile-cache'),
        },
        stdio: ['ignore', log, log],
      },
    );
    closeSync(log);
    const record: ProcessRecord = {
      instance,
      slot: this.slot,
      pid: child.pid!,
      startedAt: Date.now(),
    };
    this.options.processes.push(record);
    this.#child = child;
    this.#record = record;
    this.#exited = new Promise(resolve =>
      child.once('exit', (code, signal) => {
        record.exitedAt = Date.now();
        record.exit = { code, signal };
        record.stoppedBy ??= 'crash';
        resolve();
      }),
    );
    await waitFor(
      `${instance} to answer ready on port ${this.port}`,
      async () => {
        if (record.exitedAt !== undefined) {
          throw new Error(
            `${instance} exited while starting (${JSON.stringify(
              record.exit,
            )}); see ${this.options.logDir}/${instance}.log`,
          );
        }
        return this.isReady();
      },
      this.options.startTimeoutMs,
      250,
    ).catch(error => {
      if (record.exitedAt !== undefined) throw error;
      child.kill('SIGKILL');
      throw error;
    });
    record.readyAt = Date.now();
    return record;
  }

  /** Backstage's readiness and DocuChat's own health both answer 200. */
  async isReady(): Promise<boolean> {
    const ok = (path: string) =>
      fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(2000) }).then(
        res => res.ok,
        () => false,
      );
    return (
      (await ok('/.backstage/health/v1/readiness')) &&
      (await ok('/api/docuchat/health'))
    );
  }

  /** Sends the signal and waits for the process to exit. */
  async stop(
    signal: 'SIGKILL' | 'SIGTERM',
    how: ProcessRecord['stoppedBy'] = signal,
  ): Promise<void> {
    const record = this.current;
    if (!record || !this.#child) return;
    record.stoppedBy = how;
    record.signalledAt = Date.now();
    this.#child.kill(signal);
    // A drain is bounded by docuchat.shutdown.graceSeconds; never hang here.
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 60_000);
    await this.#exited;
    clearTimeout(timer);
  }
}
