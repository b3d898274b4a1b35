import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { createMetricsRouter } from './createMetricsRouter';
import { DocuchatMetrics } from '../metrics/DocuchatMetrics';
import { MetricsAccess } from '../metrics/readMetricsConfig';

const TOKEN = 'a-scraper-token-of-32-characters';

/**
 * A plain express app with no Backstage credential check in front: the
 * plugin exempts /metrics from it, so the router is the only guard.
 */
function createApp(access: MetricsAccess) {
  const metrics = new DocuchatMetrics();
  metrics.countRagQuery('acme', 'answered');
  const app = express();
  app.use('/api/docuchat', createMetricsRouter({ metrics, access }));
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return app;
}

const PATH = '/api/docuchat/metrics';

/** What a scraper gets, to compare with SERVED. */
function scrapeOf(res: request.Response) {
  return {
    status: res.status,
    contentType: res.headers['content-type'],
    cacheControl: res.headers['cache-control'],
    hasSamples: res.text.includes(
      'rag_query_total{tenant="acme",outcome="answered"} 1',
    ),
  };
}

const SERVED = {
  status: 200,
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  cacheControl: 'no-store',
  hasSamples: true,
};

function expectNoMetrics(
  res: request.Response,
  status: number,
  message: string,
) {
  expect(res.status).toBe(status);
  expect(res.body.error.message).toContain(message);
  expect(res.text).not.toContain('rag_query_total');
}

describe('createMetricsRouter', () => {
  describe('public', () => {
    const app = createApp({ kind: 'public' });

    it('serves anyone, with or without a token', async () => {
      expect(scrapeOf(await request(app).get(PATH))).toEqual(SERVED);
      const withToken = await request(app)
        .get(PATH)
        .set('Authorization', 'Bearer whatever');
      expect(scrapeOf(withToken)).toEqual(SERVED);
    });
  });

  describe('with a bearer token', () => {
    const app = createApp({ kind: 'token', bearerToken: TOKEN });

    it('serves a scraper sending the token', async () => {
      for (const header of [`Bearer ${TOKEN}`, `bearer  ${TOKEN}`]) {
        const res = await request(app).get(PATH).set('Authorization', header);
        expect(scrapeOf(res)).toEqual(SERVED);
      }
    });

    it('answers 401 without a token', async () => {
      const res = await request(app).get(PATH);
      expectNoMetrics(
        res,
        401,
        'The metrics route needs "Authorization: Bearer <docuchat.metrics.bearerToken>"',
      );
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="docuchat-metrics"',
      );
      expectNoMetrics(
        await request(app).get(PATH).set('Authorization', `Basic ${TOKEN}`),
        401,
        'needs "Authorization: Bearer',
      );
    });

    it.each([
      ['a wrong token', 'b-scraper-token-of-32-characters'],
      ['a prefix of the token', TOKEN.slice(0, 20)],
      ['the token and more', `${TOKEN}x`],
    ])('answers 401 to %s', async (_, token) => {
      const res = await request(app)
        .get(PATH)
        .set('Authorization', `Bearer ${token}`);
      expectNoMetrics(
        res,
        401,
        'The bearer token does not match docuchat.metrics.bearerToken',
      );
      expect(res.headers['www-authenticate']).toContain(
        'error="invalid_token"',
      );
    });
  });

  describe('disabled', () => {
    const app = createApp({ kind: 'disabled' });

    it('answers 404, saying how to turn the route on', async () => {
      for (const auth of [undefined, `Bearer ${TOKEN}`]) {
        const req = request(app).get(PATH);
        if (auth) req.set('Authorization', auth);
        expectNoMetrics(
          await req,
          404,
          'The metrics route is off. Set docuchat.metrics.bearerToken',
        );
      }
      const res = await request(app).get(PATH);
      expect(res.body.error.message).toContain(
        'or docuchat.metrics.public: true',
      );
    });
  });
});
