import { mockServices } from '@backstage/backend-test-utils';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  DocuchatCollatorFactory,
  readableText,
} from './DocuchatCollatorFactory';

// The DocuChat API as the collator reads it: tenants, then passages a page
// at a time (`after` = the last chunk id of the previous page).
const PASSAGES: Record<string, Array<{ chunkId: string; text: string }>> = {
  acme: [
    { chunkId: 'a1', text: 'Invoices are daily.' },
    { chunkId: 'a2', text: 'Refunds take a week.' },
    { chunkId: 'a3', text: 'Backups are nightly.' },
  ],
  globex: [{ chunkId: 'g1', text: 'Globex keeps its keys in a vault.' }],
};

describe('DocuchatCollatorFactory', () => {
  let server: Server;
  let baseUrl: string;
  let status = 200;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(
        `${req.url} ${req.headers.authorization ? 'auth' : 'none'}`,
      );
      const url = new URL(req.url!, 'http://localhost');
      res.setHeader('content-type', 'application/json');
      if (status !== 200) {
        res.statusCode = status;
        res.end(
          JSON.stringify({
            error: { name: 'NotAllowedError', message: 'no grant' },
          }),
        );
        return;
      }
      if (url.pathname === '/api/docuchat/tenants') {
        res.end(
          JSON.stringify({
            items: [
              { id: 'acme', displayName: 'Acme' },
              { id: 'globex', displayName: 'Globex' },
            ],
          }),
        );
        return;
      }
      const tenant = /^\/api\/docuchat\/tenants\/([^/]+)\/passages$/.exec(
        url.pathname,
      )?.[1];
      const limit = Number(url.searchParams.get('limit'));
      const after = url.searchParams.get('after');
      const all = PASSAGES[tenant ?? ''] ?? [];
      const from = after ? all.findIndex(p => p.chunkId === after) + 1 : 0;
      const items = all.slice(from, from + limit).map(p => ({
        ...p,
        documentId: `${tenant}-doc`,
        documentTitle: `${tenant} handbook`,
        headingPath: ['Operations'],
        ...(tenant === 'acme' && { sourceUrl: '/docs/default/component/x/' }),
      }));
      res.end(
        JSON.stringify({
          items,
          ...(from + limit < all.length && {
            nextCursor: items[items.length - 1].chunkId,
          }),
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  const factory = () =>
    new DocuchatCollatorFactory({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async id => `${baseUrl}/${id}`,
        getExternalBaseUrl: async id => `${baseUrl}/${id}`,
      },
      logger: mockServices.logger.mock(),
      pageSize: 2,
    });

  it('collates every passage of every tenant, page by page, authorized by its tenant', async () => {
    requests.length = 0;
    const documents = [];
    for await (const document of await factory().getCollator()) {
      documents.push(document);
    }
    expect(documents.map(d => [d.authorization.resourceRef, d.text])).toEqual([
      ['acme', 'Invoices are daily.'],
      ['acme', 'Refunds take a week.'],
      ['acme', 'Backups are nightly.'],
      ['globex', 'Globex keeps its keys in a vault.'],
    ]);
    expect(documents[0]).toMatchObject({
      title: 'acme handbook › Operations',
      location: '/docuchat/tenants/acme/documents?passage=a1',
      tenantName: 'Acme',
      sourceUrl: '/docs/default/component/x/',
    });
    expect(documents[3]).not.toHaveProperty('sourceUrl');
    expect(requests).toEqual([
      '/api/docuchat/tenants auth',
      '/api/docuchat/tenants/acme/passages?limit=2 auth',
      '/api/docuchat/tenants/acme/passages?limit=2&after=a2 auth',
      '/api/docuchat/tenants/globex/passages?limit=2 auth',
    ]);
    expect(factory().visibilityPermission.name).toBe('docuchat.chat');
    expect(factory().type).toBe('docuchat');
  });

  it("fails the run with DocuChat's answer when it refuses the search plugin", async () => {
    status = 403;
    try {
      const collator = await factory().getCollator();
      await expect(async () => {
        for await (const _ of collator) {
          // nothing arrives
        }
      }).rejects.toThrow(/403/);
    } finally {
      status = 200;
    }
  });
});

describe('readableText', () => {
  it('drops Markdown heading lines, which the title names, and keeps the rest', () => {
    expect(
      readableText(
        '# Backups\nBackups are kept for 37 days.\n## Holidays\nIn August.\n#hashtag stays',
      ),
    ).toBe('Backups are kept for 37 days.\nIn August.\n#hashtag stays');
  });
});
