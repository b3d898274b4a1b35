import express from 'express';
import { DocuchatMetrics } from '../metrics/DocuchatMetrics';

/** The `route` label of a request that no route matched, 404s above all. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The `status` label of a request whose client went away before the
 * response was complete (a closed tab during a streamed answer). nginx's
 * code for it, so that dashboards grouping by the first digit see a 4xx.
 */
export const CLIENT_CLOSED_STATUS = '499';

/**
 * Observes `http_request_duration_seconds{method, route, status}` for every
 * request through the router it is mounted on; mount it before the routes.
 *
 * `route` is the template of the route that matched (`req.route.path`, e.g.
 * `/tenants/:tenantId/ask`), relative to the router that defines it; the
 * DocuChat routers are mounted without a path prefix, so that is the path
 * under `/api/docuchat`. A request no route matched gets `unmatched`: a raw
 * path as a label would let anyone create series by requesting made-up
 * URLs. `method` is bounded already: Node's parser refuses methods outside
 * `http.METHODS`.
 *
 * Measured from the middleware to the end of the response (or the client
 * leaving), so a streamed answer counts its whole stream.
 */
export function createHttpMetricsMiddleware(
  metrics: Pick<DocuchatMetrics, 'observeHttpRequest'>,
): express.RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    // 'close' comes after 'finish' and also when the connection drops
    // first, which 'finish' alone would miss.
    res.once('close', () => {
      metrics.observeHttpRequest({
        method: req.method,
        route: routeTemplateOf(req),
        status: res.writableFinished
          ? String(res.statusCode)
          : CLIENT_CLOSED_STATUS,
        seconds: Number(process.hrtime.bigint() - start) / 1e9,
      });
    });
    next();
  };
}

function routeTemplateOf(req: express.Request): string {
  // Set by express once a route matched, and kept when its handler fails
  // and an error handler further out writes the response.
  const path: unknown = req.route?.path;
  if (path === undefined) return UNMATCHED_ROUTE;
  return typeof path === 'string' ? path : String(path);
}
