import { AuthenticationError, NotFoundError } from '@backstage/errors';
import { createHash, timingSafeEqual } from 'crypto';
import express from 'express';
import Router from 'express-promise-router';
import { DocuchatMetrics } from '../metrics/DocuchatMetrics';
import { MetricsAccess } from '../metrics/readMetricsConfig';

/** What the metrics route needs. */
export interface MetricsRouterOptions {
  metrics: Pick<DocuchatMetrics, 'render'>;
  access: MetricsAccess;
}

/**
 * `GET /metrics` in the Prometheus text format, for a scraper.
 *
 * The plugin exempts this path from Backstage's credential check (a
 * scraper has no Backstage token), so the check here is the only one:
 * public only when `docuchat.metrics.public` says so, otherwise the static
 * `docuchat.metrics.bearerToken`, and a 404 when neither is configured.
 */
export function createMetricsRouter(
  options: MetricsRouterOptions,
): express.Router {
  const { metrics, access } = options;
  const expected =
    access.kind === 'token' ? digestOf(access.bearerToken) : undefined;
  const router = Router();

  router.get('/metrics', async (req, res) => {
    if (access.kind === 'disabled') {
      throw new NotFoundError(
        'The metrics route is off. Set docuchat.metrics.bearerToken (scrapers send it as "Authorization: Bearer <token>") or docuchat.metrics.public: true to enable it',
      );
    }
    if (expected) {
      const presented = bearerTokenOf(req);
      if (presented === undefined) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="docuchat-metrics"');
        throw new AuthenticationError(
          'The metrics route needs "Authorization: Bearer <docuchat.metrics.bearerToken>"',
        );
      }
      if (!timingSafeEqual(digestOf(presented), expected)) {
        res.setHeader(
          'WWW-Authenticate',
          'Bearer realm="docuchat-metrics", error="invalid_token"',
        );
        throw new AuthenticationError(
          'The bearer token does not match docuchat.metrics.bearerToken',
        );
      }
    }
    const { contentType, body } = await metrics.render();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    // Not res.send: it rewrites the content type's parameters and computes
    // an ETag of a body that changes on every scrape.
    res.end(body);
  });

  return router;
}

/**
 * Comparing digests rather than the tokens keeps the lengths equal, as
 * timingSafeEqual requires, without revealing the token's length through an
 * early length check.
 */
function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function bearerTokenOf(req: express.Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
