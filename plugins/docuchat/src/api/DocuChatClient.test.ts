/**
 * @jest-environment node
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DocuChatClient } from './DocuChatClient';

describe('DocuChatClient', () => {
  let server: Server;
  let baseUrl: string;
  const seen: IncomingMessage[] = [];
  let reply: { status: number; body: unknown };
  /** When set, the server answers with these raw chunks, paced. */
  let stream: string[] | undefined;
  let closed: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      if (stream) {
        const chunks = [...stream];
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        closed = new Promise(resolve => res.on('close', () => resolve()));
        const next = () => {
          const chunk = chunks.shift();
          if (chunk === undefined) {
            res.end();
            return;
          }
          if (chunk === 'HANG') return; // keeps the stream open
          res.write(chunk);
          setTimeout(next, 5);
        };
        next();
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/docuchat`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));
  beforeEach(() => {
    seen.length = 0;
    stream = undefined;
  });

  function client() {
    return new DocuChatClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
      // Stands in for Backstage's fetchApi, which adds the user's token.
      fetchApi: {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: {
              ...(init?.headers as Record<string, string>),
              authorization: 'Bearer user-token',
            },
          }),
      },
    });
  }

  it('reads health from the discovered base URL with the fetch API', async () => {
    reply = { status: 200, body: { status: 'ok' } };
    await expect(client().getHealth()).resolves.toEqual({ status: 'ok' });
    expect(seen.map(r => r.url)).toEqual(['/api/docuchat/health']);
    expect(seen[0].headers.authorization).toBe('Bearer user-token');
  });

  it('turns a Backstage error body into a ResponseError', async () => {
    reply = {
      status: 401,
      body: {
        error: { name: 'AuthenticationError', message: 'Missing credentials' },
        request: { method: 'GET', url: '/health' },
        response: { statusCode: 401 },
      },
    };
    await expect(client().getHealth()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 401,
      body: { error: { message: 'Missing credentials' } },
    });
  });

  it('streams the answer events in order, even split across chunks', async () => {
    stream = [
      'event: citations\ndata: {"citations":[]}\n\n',
      'event: token\ndata: {"text":"Hel',
      'lo"}\n\nevent: token\r\ndata: {"text":" world"}\r\n\r\n',
      'event: done\ndata: {"answer":"Hello world"}\n\n',
    ];
    const events: unknown[] = [];
    for await (const event of client().ask({
      tenantId: 'acme',
      question: 'hi?',
    })) {
      events.push(event);
    }
    expect(events).toEqual([
      { event: 'citations', data: { citations: [] } },
      { event: 'token', data: { text: 'Hello' } },
      { event: 'token', data: { text: ' world' } },
      { event: 'done', data: { answer: 'Hello world' } },
    ]);
    expect(seen[0].url).toBe('/api/docuchat/tenants/acme/ask');
    expect(seen[0].method).toBe('POST');
    expect(seen[0].headers['content-type']).toBe('application/json');
  });

  it('aborts the stream when asked to stop', async () => {
    stream = ['event: token\ndata: {"text":"a"}\n\n', 'HANG'];
    const controller = new AbortController();
    const events: unknown[] = [];
    await expect(
      (async () => {
        for await (const event of client().ask({
          tenantId: 'acme',
          question: 'q',
          signal: controller.signal,
        })) {
          events.push(event);
          controller.abort();
        }
      })(),
    ).rejects.toThrow(/abort/i);
    expect(events).toHaveLength(1);
    // The server sees the connection go.
    await closed;
  });

  it('refuses a question with the backend message before any event', async () => {
    reply = {
      status: 404,
      body: {
        error: { name: 'NotFoundError', message: 'Tenant nowhere not found' },
        response: { statusCode: 404 },
      },
    };
    const events = client().ask({ tenantId: 'nowhere', question: 'q' });
    await expect(
      (async () => {
        for await (const _ of events) {
          // never reached
        }
      })(),
    ).rejects.toMatchObject({
      statusCode: 404,
      body: { error: { message: 'Tenant nowhere not found' } },
    });
  });

  it('sends rename, search and feedback to their routes', async () => {
    reply = { status: 200, body: { items: [] } };
    await client().listConversations('acme', { q: 'back ups', limit: 5 });
    reply = { status: 200, body: { rating: 'up' } };
    await client().sendFeedback('acme', 'c1', 'm1', { rating: 'up' });
    reply = { status: 200, body: {} };
    await client().renameConversation('acme', 'c1', 'New');
    await client().getPassage('acme', 'k1');
    expect(seen.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/docuchat/tenants/acme/conversations?q=back+ups&limit=5',
      'PUT /api/docuchat/tenants/acme/conversations/c1/messages/m1/feedback',
      'PATCH /api/docuchat/tenants/acme/conversations/c1',
      'GET /api/docuchat/tenants/acme/chunks/k1',
    ]);
  });
});
