import { TestDatabaseId } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { connect, createServer, Server, Socket } from 'node:net';
import request from 'supertest';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import {
  ALICE,
  as,
  startDocuchatTestBackend,
} from '../__testUtils__/docuchatTestBackend';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';
import { isDatabaseUnreachable } from './databaseUnreachable';

jest.setTimeout(60_000);

/**
 * A TCP relay to PostgreSQL that can be cut (listener closed, every
 * connection dropped) and restored on the same port: the database going
 * away under the backend's pool, and coming back.
 */
async function startCuttableRelay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer(client => {
        const upstream = connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve((s.address() as { port: number }).port);
      });
    });
  const port = await listen(0);
  return {
    port,
    async cut() {
      const closed = new Promise(resolve => server!.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restore: () => listen(port),
  };
}

describe('when the database cannot be reached', () => {
  const databases = createEveryTestDatabase();
  let openAi: OpenAiTestServer;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
  });
  afterAll(() => openAi.close());

  const postgresIds = () =>
    databases.eachSupportedId().filter(([id]) => id !== 'SQLITE_3') as Array<
      [TestDatabaseId]
    >;

  it.each(postgresIds())(
    'answers 503 with Retry-After and no address, then serves again on %p',
    async databaseId => {
      const direct = await databases.init(databaseId);
      const connection = direct.client.config
        .connection as Knex.PgConnectionConfig;
      const relay = await startCuttableRelay({
        host: connection.host!,
        port: Number(connection.port),
      });
      const knex = knexFactory({
        client: 'pg',
        connection: { ...connection, host: '127.0.0.1', port: relay.port },
        pool: { min: 0, max: 5 },
        acquireConnectionTimeout: 2_000,
      });
      try {
        const server = await startDocuchatTestBackend({
          knex,
          openAiBaseURL: openAi.baseURL,
        });
        const list = () =>
          request(server)
            .get('/api/docuchat/tenants/acme/documents')
            .set('Authorization', as(ALICE));
        expect((await list()).status).toBe(200);

        await relay.cut();
        const away = await list();
        expect(away.status).toBe(503);
        expect(away.headers['retry-after']).toBe('5');
        expect(away.body.error).toMatchObject({
          name: 'ServiceUnavailableError',
          message:
            'DocuChat cannot reach its database right now; try again in a few seconds',
        });
        // Neither the database's address nor the driver's words.
        expect(JSON.stringify(away.body)).not.toMatch(
          new RegExp(`127\\.0\\.0\\.1|${relay.port}|ECONN|Knex`),
        );

        await relay.restore();
        expect((await list()).status).toBe(200);
      } finally {
        await knex.destroy();
        await relay.cut().catch(() => undefined);
      }
    },
  );

  it.each(postgresIds())(
    'is not a query the database refused on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('unique_things', table =>
        table.string('id').primary(),
      );
      await knex('unique_things').insert({ id: 'a' });
      const duplicate = await knex('unique_things')
        .insert({ id: 'a' })
        .catch(e => e);
      expect(duplicate.code).toBe('23505');
      expect(isDatabaseUnreachable(duplicate)).toBe(false);
      const syntax = await knex.raw('SELEC 1').catch(e => e);
      expect(isDatabaseUnreachable(syntax)).toBe(false);
    },
  );
});
