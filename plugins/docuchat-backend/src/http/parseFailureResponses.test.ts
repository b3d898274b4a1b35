import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { DocumentLimitError } from '../ingest/parseLimits';
import { fromWireError, toWireError } from '../ingest/parseFailures';
import { UnreadableDocumentError } from '../ingest/errors';

/**
 * A parse failure that reaches a response (the cheap checks of an upload do;
 * a limit error could, were a route ever to parse) is a 4xx with the
 * reason, never a 500, in both error formats Backstage's handler writes:
 * with the stack in development, without it in production. Errors keep
 * their class across the worker boundary, which the status depends on.
 */
describe('parse failures over HTTP', () => {
  const failures = [
    new DocumentLimitError(
      'pdf-pages',
      'The PDF has 20,000 pages; the limit is 2,000',
    ),
    new UnreadableDocumentError(
      'encoding',
      'The document is not valid utf-8 text',
    ),
  ];

  function app(error: Error, showStackTraces: boolean) {
    const server = express();
    server.get('/fail', () => {
      throw error;
    });
    server.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.logger.mock(),
      }).error({ showStackTraces }),
    );
    return server;
  }

  it.each([true, false])(
    'answers 422 with the reason (stack shown: %p)',
    async showStackTraces => {
      for (const original of failures) {
        // As the pool hands it back from a worker.
        const error = fromWireError(toWireError(original));
        const res = await request(app(error, showStackTraces)).get('/fail');
        expect(res.status).toBe(422);
        expect(res.body.error).toMatchObject({
          name: original.name,
          message: original.message,
        });
        expect(res.body.error.stack !== undefined).toBe(showStackTraces);
      }
    },
  );
});
