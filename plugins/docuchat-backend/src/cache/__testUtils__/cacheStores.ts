import { CacheService } from '@backstage/backend-plugin-api';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EventEmitter } from 'node:events';

/** The Redis of `scripts/test-servers.sh`, when it is running. */
export const testRedisUrl = process.env.DOCUCHAT_TEST_REDIS_URL;

export type TestCacheStore = 'memory' | 'redis';

/** Memory always; Redis when the test server is there (CI must start it). */
export function testCacheStores(): TestCacheStore[] {
  return testRedisUrl ? ['memory', 'redis'] : ['memory'];
}

/**
 * Why the Redis cases cannot run, if CI is supposed to run them: without
 * the test server they are skipped locally, but CI must not silently lose
 * them. For every cache test file's guard test.
 */
export function redisMissingInCi(): string | undefined {
  return process.env.CI && !testRedisUrl
    ? 'DOCUCHAT_TEST_REDIS_URL is not set: start the test servers with eval "$(bash scripts/test-servers.sh)"'
    : undefined;
}

/** `describe` when the Redis test server is there, else `describe.skip`. */
export const describeWithRedis = testRedisUrl ? describe : describe.skip;

/** The parts of @keyv/redis's KeyvRedis (a Redis connection) tests touch. */
interface KeyvRedisInstance {
  client: EventEmitter;
  disconnect(force?: boolean): Promise<void>;
}

/**
 * Backstage's CacheManager opens Redis connections that nothing can close
 * (no shutdown hook), and does not listen to the Redis client's `error`
 * event: when a connected server goes away, that error is thrown as an
 * uncaught exception, which the backend logs (BackendInitializer's
 * handler, off in tests) but jest counts as a failure. So the tests watch
 * every connection CacheManager creates, the way the backend would: errors
 * are collected rather than thrown, and connections close after the file.
 * Call once at the top of each test file that uses Redis.
 */
const redisConnections: KeyvRedisInstance[] = [];
let watching = false;
/** Errors the Redis clients emitted, for tests that expect some. */
export const redisClientErrors: unknown[] = [];

export function watchTestRedisConnections() {
  if (watching) throw new Error('watchTestRedisConnections() is called twice');
  watching = true;
  // The very @keyv/redis that CacheManager requires (a dependency of
  // @backstage/backend-defaults, not of this package).
  const keyvRedisPath = require.resolve('@keyv/redis', {
    paths: [
      dirname(require.resolve('@backstage/backend-defaults/package.json')),
    ],
  });
  const prototype = require(keyvRedisPath).default.prototype as {
    initClient(this: KeyvRedisInstance): void;
  };
  const initClient = prototype.initClient;
  // initClient runs in the constructor and again on reconnects.
  prototype.initClient = function watchedInitClient(this: KeyvRedisInstance) {
    if (!redisConnections.includes(this)) {
      redisConnections.push(this);
      this.client.on('error', error => redisClientErrors.push(error));
    }
    initClient.call(this);
  };
  afterAll(async () => {
    prototype.initClient = initClient;
    watching = false;
    const connections = redisConnections.splice(0);
    await Promise.all(connections.map(c => c.disconnect(true).catch(() => {})));
  });
}

/** Which Redis and namespace each Redis cache service of the tests uses. */
const redisNamespaces = new WeakMap<
  CacheService,
  { connection: string; namespace: string }
>();

/**
 * The plugin's cache service exactly as the backend builds it from
 * `backend.cache` (cacheServiceFactory: CacheManager.fromConfig, then
 * forPlugin('docuchat')). Each call gets its own store (memory) or Redis
 * key namespace, so tests never see each other's entries.
 */
export function createTestCacheService(
  store: TestCacheStore,
  connection = testRedisUrl,
): CacheService {
  if (store === 'redis' && !watching) {
    throw new Error('Call watchTestRedisConnections() first');
  }
  const namespace = uniqueNamespace();
  const cache =
    store === 'redis'
      ? { store: 'redis', connection, redis: { client: { namespace } } }
      : { store: 'memory' };
  const manager = CacheManager.fromConfig(
    mockServices.rootConfig({ data: { backend: { cache } } }),
    // Quiet: the Redis client logs every failed reconnect as an error.
    { logger: mockServices.rootLogger({ level: 'none' }) },
  );
  const service = manager.forPlugin('docuchat');
  if (store === 'redis' && connection) {
    redisNamespaces.set(service, { connection, namespace });
  }
  return service;
}

/**
 * What Redis itself holds for a cache service of createTestCacheService:
 * each key with its remaining time to live in ms (-1: none), read with
 * redis-cli, bypassing Keyv (which also checks expiry on read).
 */
export function redisKeyTtls(cache: CacheService): Map<string, number> {
  const target = redisNamespaces.get(cache);
  if (!target) throw new Error('not a Redis cache service of the tests');
  const cli = (...args: string[]) =>
    execFileSync('redis-cli', ['-u', target.connection, ...args], {
      encoding: 'utf8',
    });
  const keys = cli('--scan', '--pattern', `${target.namespace}:*`)
    .split('\n')
    .filter(Boolean);
  return new Map(keys.map(key => [key, Number(cli('pttl', key).trim())]));
}

let namespaces = 0;
function uniqueNamespace() {
  namespaces += 1;
  return `test-${process.pid}-${Date.now()}-${namespaces}`;
}

/** A local port nobody listens on: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise(resolve => server.close(resolve));
  if (typeof address !== 'object' || !address) {
    throw new Error('could not pick a free port');
  }
  return address.port;
}

/**
 * A Redis server of this test's own (the Debian `redis-server` that
 * `scripts/test-servers.sh` installs), for stopping it while a client is
 * connected, which the shared test server must not be.
 */
export async function startThrowawayRedis(): Promise<{
  url: string;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}> {
  const port = await closedPort();
  const dir = mkdtempSync(join(tmpdir(), 'docuchat-redis-'));
  const server: ChildProcess = spawn(
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
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>(resolve =>
    server.once('exit', () => resolve()),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('exit', code =>
      reject(new Error(`redis-server exited with ${code}: ${output}`)),
    );
    server.stdout!.on('data', chunk => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
    server.stderr!.on('data', chunk => {
      output += chunk;
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => server.kill('SIGSTOP'),
    resume: () => server.kill('SIGCONT'),
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
