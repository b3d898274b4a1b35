import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import docuchatPlugin from '@internal/backstage-plugin-docuchat-backend';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DocuchatApi } from '../docuchat/DocuchatApi';
import { actionContext } from '../__testUtils__/runbookTestKit';
import { createBillingRunAction } from './billingRun';
import { createTenantCreateAction } from './tenantCreate';

function discoveryAt(baseUrl: string) {
  return {
    getBaseUrl: async (id: string) => `${baseUrl}/api/${id}`,
    getExternalBaseUrl: async (id: string) => `${baseUrl}/api/${id}`,
  };
}

describe('docuchat:tenant:create against the real DocuChat backend', () => {
  it('creates the tenant as the initiator, and a dry run creates nothing', async () => {
    const { server } = await startTestBackend({
      features: [
        docuchatPlugin,
        mockServices.rootConfig.factory({
          data: {
            docuchat: {
              openai: { apiKey: 'unused', baseURL: 'http://127.0.0.1:9/v1' },
              embeddings: { provider: 'openai', dimensions: 64 },
            },
          },
        }),
      ],
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const api = new DocuchatApi(discoveryAt(base), mockServices.auth());
    const action = createTenantCreateAction(api);
    const input = {
      id: 'initech',
      displayName: 'Initech',
      ownerRef: 'group:default/initech',
      mobile: '09121234567',
    };

    const dry = actionContext(input, { dryRun: true });
    await action.handler(dry as any);
    expect(dry.loggedText()).toContain('would create tenant initech');
    const auth = mockServices.auth();
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'docuchat',
    });
    const before = await fetch(`${base}/api/docuchat/tenants/initech`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(before.status).toBe(404);

    const ctx = actionContext(input);
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:default/docuchat-tenant-initech',
    );
    const after = await fetch(`${base}/api/docuchat/tenants/initech`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(await after.json()).toMatchObject({
      id: 'initech',
      displayName: 'Initech',
      ownerRef: 'group:default/initech',
    });

    // The API's answer to a second create comes back as the error.
    await expect(action.handler(actionContext(input) as any)).rejects.toThrow(
      /409/,
    );
  }, 30_000);

  it('rejects an invalid tenant before calling the API', async () => {
    const api = new DocuchatApi(
      discoveryAt('http://127.0.0.1:9'),
      mockServices.auth(),
    );
    await expect(
      createTenantCreateAction(api).handler(
        actionContext(
          { id: 'Bad Id', displayName: 'x', ownerRef: 'group:default/x' },
          { dryRun: true },
        ) as any,
      ),
    ).rejects.toThrow(/Invalid tenant: id must be 1-63 lowercase/);
  });
});

describe('docuchat:billing:run against a server speaking the billing contract', () => {
  let server: Server;
  const received: { path: string; auth?: string; body: any }[] = [];
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', c => (text += c));
      req.on('end', () => {
        const body = JSON.parse(text);
        received.push({
          path: req.url!,
          auth: req.headers.authorization,
          body,
        });
        if (body.day === '2026-02-30') {
          res.writeHead(400, { 'Content-Type': 'application/json' });
          res.end(
            JSON.stringify({
              error: { name: 'InputError', message: 'bad day' },
            }),
          );
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'run-1',
            status: 'succeeded',
            ...body,
            invoices: 2,
          }),
        );
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(r => server.close(r)));
  beforeEach(() => received.splice(0));

  const action = () =>
    createBillingRunAction(
      new DocuchatApi(discoveryAt(base), mockServices.auth()),
    );

  it('bills a day and a range, and outputs the finished run', async () => {
    const day = actionContext({ day: '2026-11-30' });
    await action().handler(day as any);
    const range = actionContext({ from: '2026-11-01', to: '2026-11-30' });
    await action().handler(range as any);

    expect(received.map(r => [r.path, r.body])).toEqual([
      ['/api/docuchat/billing/runs', { day: '2026-11-30' }],
      ['/api/docuchat/billing/runs', { from: '2026-11-01', to: '2026-11-30' }],
    ]);
    expect(received[0].auth).toMatch(/^Bearer /);
    expect(day.output).toHaveBeenCalledWith('run', {
      id: 'run-1',
      status: 'succeeded',
      day: '2026-11-30',
      invoices: 2,
    });
  });

  it.each([
    [{ day: '2026-11-31' }, 'day "2026-11-31" is not YYYY-MM-DD'],
    [
      { from: '2026-11-02', to: '2026-11-01' },
      'from 2026-11-02 is after to 2026-11-01',
    ],
    [
      { day: '2026-11-01', to: '2026-11-02' },
      'Give either day, or both from and to',
    ],
    [{}, 'Give either day, or both from and to'],
  ])('refuses %p without calling the API', async (input, message) => {
    await expect(action().handler(actionContext(input) as any)).rejects.toThrow(
      message,
    );
    expect(received).toEqual([]);
  });

  it('dry run calls nothing', async () => {
    const ctx = actionContext({ day: '2026-11-30' }, { dryRun: true });
    await action().handler(ctx as any);
    expect(received).toEqual([]);
    expect(ctx.loggedText()).toContain('would bill 2026-11-30');
  });
});
