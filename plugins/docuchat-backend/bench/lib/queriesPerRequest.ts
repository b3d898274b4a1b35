import { Knex } from 'knex';
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';

/** The queries one HTTP request sent to the database, in order. */
export interface RequestQueries {
  method: string;
  path: string;
  sql: string[];
}

/**
 * Counts database round trips per HTTP request: a knex `query` listener
 * (every statement knex sends, transactions' BEGIN and COMMIT included)
 * attributes each query to the request whose handling sent it, through an
 * AsyncLocalStorage entered around the server's request handlers. Queries of
 * background work (the scheduler, ingestion polls) belong to no request and
 * are not counted. A multi-statement query string is one round trip.
 */
export class QueriesPerRequest {
  readonly #storage = new AsyncLocalStorage<RequestQueries>();
  readonly #finished: RequestQueries[] = [];

  constructor(server: http.Server, knex: Knex) {
    knex.on('query', (query: { sql: string }) => {
      this.#storage.getStore()?.sql.push(query.sql);
    });
    const handlers = server.listeners('request') as http.RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: http.IncomingMessage, res) => {
      const queries: RequestQueries = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0],
        sql: [],
      };
      // After the last byte: work done after the body ends still counts.
      res.on('close', () => this.#finished.push(queries));
      this.#storage.run(queries, () => {
        for (const handler of handlers) handler.call(server, req, res);
      });
    });
  }

  /** Takes the finished requests matching `path` recorded so far. */
  take(path: RegExp): RequestQueries[] {
    const taken = this.#finished.filter(r => path.test(r.path));
    this.#finished.length = 0;
    return taken;
  }
}
