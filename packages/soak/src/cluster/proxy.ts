import {
  createServer,
  IncomingMessage,
  request as httpRequest,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { ProxiedRequest } from '../record';

/** A replica as the load balancer sees it. */
export interface Upstream {
  port: number;
  /** The process listening there now, if any. */
  instance(): string | undefined;
}

export interface LoadBalancer {
  url: string;
  /** Replicas in rotation now (ready on their last probe). */
  ready(): number[];
  close(): Promise<void>;
}

const PROBE_MS = 500;
const FORWARD_TIMEOUT_MS = 60_000;

/**
 * A round-robin HTTP load balancer in front of the replicas, behaving like a
 * Kubernetes Service behind an ingress: it probes each replica's readiness
 * (`/.backstage/health/v1/readiness`) every half second and sends requests
 * only to ready ones; a replica that refuses the connection (it died since
 * its last probe) is taken out and the request goes to the next one, which
 * is safe because it never arrived. A connection that breaks after the
 * request was sent answers 502: the balancer cannot know what happened, so
 * only the client may retry. Request bodies are buffered (for that retry);
 * answers stream through (server-sent events), and a client that hangs up
 * closes the upstream connection too.
 *
 * Every answer is recorded: status, times, which process answered.
 */
export async function startLoadBalancer(options: {
  upstreams: Upstream[];
  requests: ProxiedRequest[];
}): Promise<LoadBalancer> {
  const { upstreams, requests } = options;
  const ready = upstreams.map(() => false);
  let next = 0;
  let closed = false;

  const probe = async (index: number) => {
    const res = await fetch(
      `http://127.0.0.1:${upstreams[index].port}/.backstage/health/v1/readiness`,
      { signal: AbortSignal.timeout(PROBE_MS * 2) },
    ).catch(() => undefined);
    ready[index] = res?.status === 200;
  };
  const probing = setInterval(() => {
    upstreams.forEach((_, index) => void probe(index));
  }, PROBE_MS);
  await Promise.all(upstreams.map((_, index) => probe(index)));

  const pick = (tried: Set<number>) => {
    for (let i = 0; i < upstreams.length; i++) {
      const index = (next + i) % upstreams.length;
      if (ready[index] && !tried.has(index)) {
        next = index + 1;
        return index;
      }
    }
    return undefined;
  };

  const server = createServer(async (req, res) => {
    const record: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0],
      start: Date.now(),
      end: 0,
      status: 0,
      op: header(req, 'x-soak-op'),
    };
    requests.push(record);
    res.once('close', () => {
      record.end = Date.now();
      if (res.headersSent) record.status = res.statusCode;
    });
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) return; // the client went away
    forward(req, res, body, record, new Set());
  });

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    record: ProxiedRequest,
    tried: Set<number>,
  ) {
    const index = pick(tried);
    if (index === undefined) {
      reply(res, 503, 'No replica is ready');
      return;
    }
    tried.add(index);
    const upstream = upstreams[index];
    record.instance = upstream.instance();
    const outgoing = httpRequest({
      host: '127.0.0.1',
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: {
        ...req.headers,
        host: `127.0.0.1:${upstream.port}`,
        'content-length': String(body.length),
      },
      agent: false,
      timeout: FORWARD_TIMEOUT_MS,
    });
    let answered = false;
    outgoing.on('response', incoming => {
      answered = true;
      res.writeHead(incoming.statusCode ?? 502, incoming.headers);
      incoming.pipe(res);
      incoming.on('error', () => res.destroy());
      incoming.on('aborted', () => res.destroy());
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) {
        res.destroy();
        return;
      }
      if (error.code === 'ECONNREFUSED') {
        // Never reached the replica: it is down; try the next one.
        ready[index] = false;
        forward(req, res, body, record, tried);
        return;
      }
      reply(res, 502, `Upstream ${record.instance}: ${error.message}`);
    });
    res.once('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    outgoing.end(body);
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ready: () => ready.flatMap((isReady, index) => (isReady ? [index] : [])),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(probing);
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

function header(req: IncomingMessage, name: string) {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function reply(res: ServerResponse, status: number, message: string) {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { name: 'LoadBalancerError', message } }));
}
