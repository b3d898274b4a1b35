import { existsSync } from 'node:fs';
import { appendFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { run } from './run';

/**
 * The soak's own PostgreSQL 17 + pgvector: a fresh data directory and port
 * inside the Debian trixie root that scripts/test-servers.sh builds. The
 * shared test servers are never touched; this one is stopped and started
 * by the soak's faults and removed at the end.
 */
export interface OwnServer {
  /** e.g. `postgresql://postgres@127.0.0.1:<port>` */
  url: string;
  port: number;
  /** A fault: the server goes away (PostgreSQL: fast shutdown). */
  stop(): Promise<void>;
  /** Back again, accepting connections. */
  start(): Promise<void>;
  /** Stops it for good and deletes what it wrote. */
  destroy(): Promise<void>;
}

const STATE_DIR =
  process.env.DOCUCHAT_TEST_SERVERS_DIR ?? '/var/tmp/docuchat-test-servers';
const CHROOT = `${STATE_DIR}/trixie`;
const BIN = '/usr/lib/postgresql/17/bin';

/** A command inside the chroot, as its postgres user, with a clean environment. */
function inChroot(args: string[], asPostgres = true) {
  return run('env', [
    '-i',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'LANG=C.UTF-8',
    'HOME=/root',
    'chroot',
    CHROOT,
    ...(asPostgres ? ['runuser', '-u', 'postgres', '--'] : []),
    ...args,
  ]);
}

export function portAnswers(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startOwnPostgres(port: number): Promise<OwnServer> {
  if (!existsSync(`${CHROOT}/.test-servers-complete`)) {
    throw new Error(
      `No trixie root at ${CHROOT}: run \`bash scripts/test-servers.sh\` once (it builds the root the soak's PostgreSQL 17 runs in)`,
    );
  }
  if (!existsSync(`${CHROOT}/proc/self`)) {
    throw new Error(
      `${CHROOT}/proc is not mounted: run \`bash scripts/test-servers.sh\` (it mounts what PostgreSQL needs in the root)`,
    );
  }
  // Owned by the chroot's postgres user: the data directory and the log.
  const home = `/var/lib/docuchat-soak-${port}`;
  const data = `${home}/data`;
  const log = `${home}/server.log`;
  const pgCtl = (...args: string[]) =>
    inChroot([`${BIN}/pg_ctl`, '-D', data, ...args]);

  // Another soak running on this port keeps its server: never stop it.
  if (await portAnswers(port)) {
    throw new Error(
      `Port ${port} is taken (another soak running?); pick another with --postgres-port`,
    );
  }
  // A server left behind by an interrupted soak, no longer listening.
  if (existsSync(`${CHROOT}${data}/postmaster.pid`)) {
    await pgCtl('stop', '-m', 'immediate', '-w').catch(() => undefined);
  }
  await rm(`${CHROOT}${home}`, { recursive: true, force: true });
  await inChroot(
    ['install', '-d', '-o', 'postgres', '-g', 'postgres', '-m', '700', home],
    false,
  );
  await inChroot([
    `${BIN}/initdb`,
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  // Three full Backstage backends open a pool per plugin database each.
  await appendFile(
    `${CHROOT}${data}/postgresql.conf`,
    [
      '',
      '# --- the soak (packages/soak) ---',
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      "unix_socket_directories = ''",
      'max_connections = 600',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      '',
    ].join('\n'),
  );

  const start = async () => {
    await pgCtl('start', '-w', '-t', '60', '-l', log);
  };
  const stop = async () => {
    await pgCtl('stop', '-w', '-t', '60', '-m', 'fast');
  };
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      if (existsSync(`${CHROOT}${data}/postmaster.pid`)) {
        await pgCtl('stop', '-w', '-m', 'immediate').catch(() => undefined);
      }
      await rm(`${CHROOT}${home}`, { recursive: true, force: true });
    },
  };
}
