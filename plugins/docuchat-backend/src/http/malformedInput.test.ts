import request from 'supertest';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import {
  ADMIN,
  as,
  startDocuchatTestBackend,
} from '../__testUtils__/docuchatTestBackend';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';

jest.setTimeout(120_000);

// Every route, as the operator (who passes every permission check and so
// reaches the deepest code), with ids that are not ids, NUL characters
// and bodies of the wrong shape. PostgreSQL fails a malformed uuid or a
// NUL in text with errors of its own; none of that may come back as a 5xx.
const IDS = ['x', 'not-a-uuid', '%00', '..', '-1', 'a'.repeat(300)];
const TENANTS = ['acme', 'x', 'ac%00me'];
const QUERIES = [
  '',
  '?q=%00',
  '?q=a&q=b',
  '?k=-1&limit=abc&offset=-1',
  '?from=2026-13-45&to=%00',
  '?q[a]=1&k[]=1',
  '?after=x&status=weird',
];
const BODIES: unknown[] = [
  null,
  [],
  42,
  {},
  { question: 42 },
  { question: 'a\u0000b' },
  { question: 'x'.repeat(100_000) },
  { displayName: 'Acme\u0000' },
  { kind: 'techdocs', filter: 42 },
  { day: '9999-99-99' },
  { rating: 'up' },
  { title: ['a'] },
  { filename: '../../etc/passwd', content: 'aGVsbG8=' },
];

function routes(): Array<[string, string]> {
  const all: Array<[string, string]> = [
    ['post', '/billing/runs'],
    ['get', '/billing/runs'],
    ['get', '/billing/zibal/callback'],
    ['get', '/invoices'],
    ['get', '/maintenance/reembed'],
    ['post', '/maintenance/reembed'],
    ['get', '/tenants'],
    ['post', '/tenants'],
    ['get', '/usage'],
  ];
  for (const t of TENANTS) {
    const tenant = `/tenants/${t}`;
    all.push(
      ['get', tenant],
      ['patch', tenant],
      ['get', `${tenant}/search`],
      ['post', `${tenant}/ask`],
      ['get', `${tenant}/invoices`],
      ['get', `${tenant}/conversations`],
      ['get', `${tenant}/documents`],
      ['post', `${tenant}/documents`],
      ['get', `${tenant}/sources`],
      ['post', `${tenant}/sources`],
      ['get', `${tenant}/passages`],
      ['get', `${tenant}/usage`],
    );
    for (const id of IDS) {
      all.push(
        ['get', `${tenant}/invoices/${id}`],
        ['post', `${tenant}/invoices/${id}/payment`],
        ['get', `${tenant}/conversations/${id}`],
        ['patch', `${tenant}/conversations/${id}`],
        ['delete', `${tenant}/conversations/${id}`],
        ['put', `${tenant}/conversations/${id}/messages/${id}/feedback`],
        ['get', `${tenant}/documents/${id}`],
        ['delete', `${tenant}/documents/${id}`],
        ['post', `${tenant}/documents/${id}/reindex`],
        ['get', `${tenant}/chunks/${id}`],
        ['get', `${tenant}/sources/${id}`],
        ['post', `${tenant}/sources/${id}/sync`],
        ['delete', `${tenant}/sources/${id}`],
        ['post', `/invoices/${id}/void`],
      );
    }
  }
  return all;
}

describe('malformed input', () => {
  const databases = createEveryTestDatabase();
  let openAi: OpenAiTestServer;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
  });
  afterAll(() => openAi.close());

  async function start(databaseId: Parameters<typeof databases.init>[0]) {
    return startDocuchatTestBackend({
      knex: await databases.init(databaseId),
      openAiBaseURL: openAi.baseURL,
    });
  }

  it.each(databases.eachSupportedId())(
    'never gets a 5xx from any route on %p',
    async databaseId => {
      const server = await start(databaseId);
      const serverErrors = new Set<string>();
      let sent = 0;
      for (const [method, path] of routes()) {
        const queries = method === 'get' ? QUERIES : [''];
        const bodies = ['get', 'delete'].includes(method)
          ? [undefined]
          : BODIES;
        for (const query of queries) {
          for (const body of bodies) {
            let call = (request(server) as any)
              [method](`/api/docuchat${path}${query}`)
              .set('Authorization', as(ADMIN));
            if (body !== undefined) {
              call = call
                .set('Content-Type', 'application/json')
                .send(JSON.stringify(body));
            }
            const res = await call;
            sent++;
            if (res.status >= 500) {
              serverErrors.add(`${res.status} ${method.toUpperCase()} ${path}`);
            }
          }
        }
      }
      expect(sent).toBeGreaterThan(2000);
      expect([...serverErrors]).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'says what is wrong with an id or a NUL character on %p',
    async databaseId => {
      const server = await start(databaseId);
      const document = await request(server)
        .get('/api/docuchat/tenants/acme/documents/not-a-uuid')
        .set('Authorization', as(ADMIN));
      expect(document.status).toBe(400);
      expect(document.body.error.message).toBe(
        'Invalid documentId: documentId: must be a UUID',
      );

      const ask = await request(server)
        .post('/api/docuchat/tenants/acme/ask')
        .set('Authorization', as(ADMIN))
        .send({ question: 'How are\u0000 invoices paid?' });
      expect(ask.status).toBe(400);
      expect(ask.body.error.message).toBe(
        'The body.question contains the NUL character (U+0000), which DocuChat does not accept in text',
      );

      const invoice = await request(server)
        .get('/api/docuchat/tenants/acme/invoices/%00')
        .set('Authorization', as(ADMIN));
      expect(invoice.status).toBe(400);
      expect(invoice.body.error.message).toMatch(/^The path contains the NUL/);

      const search = await request(server)
        .get('/api/docuchat/tenants/acme/search?q=%00')
        .set('Authorization', as(ADMIN));
      expect(search.status).toBe(400);
      expect(search.body.error.message).toMatch(/^The query\.q contains/);
    },
  );
});
