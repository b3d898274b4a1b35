import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, chown } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnServer, portAnswers } from './ownPostgres';
import { run, waitFor } from './run';

/**
 * The soak's own Redis (Debian's redis-server) on its own port, as the
 * `redis` user, without persistence: the cache the three backends share.
 * The shared test Redis is never touched.
 */
export async function startOwnRedis(port: number): Promise<OwnServer> {
  if (await portAnswers(port)) {
    throw new Error(
      `Port ${port} is taken by another process; pick another with --redis-port`,
    );
  }
  const uid = Number((await run('id', ['-u', 'redis'])).trim());
  const gid = Number((await run('id', ['-g', 'redis'])).trim());
  const dir = await mkdtemp(join(tmpdir(), 'docuchat-soak-redis-'));
  await chown(dir, uid, gid);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    // Not root: a client could otherwise make it write files anywhere.
    child = spawn(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { uid, gid, cwd: dir, stdio: 'ignore' },
    );
    const current = child;
    exited = new Promise(resolve => current.once('exit', () => resolve()));
    await waitFor(
      'Redis to accept connections',
      () => portAnswers(port),
      20_000,
    );
  };
  const stop = async () => {
    child?.kill('SIGTERM');
    await exited;
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
