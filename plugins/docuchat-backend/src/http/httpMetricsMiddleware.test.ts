import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import http from 'http';
import { AddressInfo } from 'net';
import request from 'supertest';
import { DocuchatMetrics } from '../metrics/DocuchatMetrics';
import {
  CLIENT_CLOSED_STATUS,
  createHttpMetricsMiddleware,
  UNMATCHED_ROUTE,
} from './httpMetricsMiddleware';
import { samplesOf } from '../metrics/__testUtils__/samples';

const DURATION_COUNT = 'http_request_duration_seconds_count';

/**
 * The middleware mounted as the plugin mounts it: on the plugin's router at
 * /api/docuchat, in front of a router of routes, with Backstage's error
 * handler outside.
 */
function createApp(metrics: DocuchatMetrics) {
  let release = () => {};
  const routes = Router();
  routes.get('/tenants/:tenantId/documents', async (req, res) => {
    res.json({ tenantId: req.params.tenantId });
  });
  routes.get('/tenants/:tenantId/gone', async () => {
    throw new NotFoundError('No such tenant');
  });
  routes.get('/tenants/:tenantId/stream', async (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('data: first\n\n');
    // Never ends by itself: the client leaves halfway.
    await new Promise<void>(resolve => {
      release = resolve;
    });
  });

  const plugin = Router();
  plugin.use(createHttpMetricsMiddleware(metrics));
  plugin.use(routes);

  const app = express();
  app.use('/api/docuchat', plugin);
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return { app, release: () => release() };
}

async function durations(metrics: DocuchatMetrics) {
  const { body } = await metrics.render();
  return samplesOf(body, DURATION_COUNT).map(s => ({
    ...s.labels,
    count: s.value,
  }));
}

/** Waits for the 'close' of responses, which comes after the client's read. */
async function eventually<T>(read: () => Promise<T>, done: (t: T) => boolean) {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  return read();
}

describe('createHttpMetricsMiddleware', () => {
  it('labels requests with the route template, so two tenants share one series', async () => {
    const metrics = new DocuchatMetrics();
    const { app } = createApp(metrics);
    await request(app).get('/api/docuchat/tenants/acme/documents').expect(200);
    await request(app)
      .get('/api/docuchat/tenants/globex/documents')
      .expect(200);

    const seen = await eventually(
      () => durations(metrics),
      d => d[0]?.count === 2,
    );
    expect(seen).toEqual([
      {
        method: 'GET',
        route: '/tenants/:tenantId/documents',
        status: '200',
        count: 2,
      },
    ]);
    const { body } = await metrics.render();
    expect(body).not.toContain('acme');
    expect(body).not.toContain('globex');
  });

  it('labels requests no route matched as unmatched, whatever their path', async () => {
    const metrics = new DocuchatMetrics();
    const { app } = createApp(metrics);
    await request(app).get('/api/docuchat/no/such/path').expect(404);
    await request(app).post('/api/docuchat/tenants/acme/documents').expect(404);
    await request(app).get('/api/docuchat/x1').expect(404);

    const seen = await eventually(
      () => durations(metrics),
      d => d.reduce((n, s) => n + s.count, 0) === 3,
    );
    expect(seen).toEqual(
      expect.arrayContaining([
        { method: 'GET', route: UNMATCHED_ROUTE, status: '404', count: 2 },
        { method: 'POST', route: UNMATCHED_ROUTE, status: '404', count: 1 },
      ]),
    );
    expect(seen).toHaveLength(2);
  });

  it('keeps the template when the route fails and the error handler answers', async () => {
    const metrics = new DocuchatMetrics();
    const { app } = createApp(metrics);
    await request(app).get('/api/docuchat/tenants/acme/gone').expect(404);

    const seen = await eventually(
      () => durations(metrics),
      d => d.length === 1,
    );
    expect(seen).toEqual([
      {
        method: 'GET',
        route: '/tenants/:tenantId/gone',
        status: '404',
        count: 1,
      },
    ]);
  });

  it('records a stream the client left before its end as 499', async () => {
    const metrics = new DocuchatMetrics();
    const { app, release } = createApp(metrics);
    const server = http.createServer(app);
    await new Promise<void>(resolve => server.listen(0, resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = http.get(
          `http://127.0.0.1:${port}/api/docuchat/tenants/acme/stream`,
          res => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', reject);
      });

      const seen = await eventually(
        () => durations(metrics),
        d => d.length === 1,
      );
      expect(seen).toEqual([
        {
          method: 'GET',
          route: '/tenants/:tenantId/stream',
          status: CLIENT_CLOSED_STATUS,
          count: 1,
        },
      ]);
    } finally {
      release();
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  });
});
