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

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
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
  });

  function client() {
    return new DocuChatClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
      // Stands in for Backstage's fetchApi, which adds the user's token.
      fetchApi: {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { authorization: 'Bearer user-token' },
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
});
