import { createBackendModule } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/config';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  BillingRun,
  docuchatBillingRunPermission,
  docuchatTenantCreatePermission,
} from '@docuchat/backstage-plugin-docuchat-common';
import docuchatPlugin from '@docuchat/backstage-plugin-docuchat-backend';
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

/** May create tenants, as the portal's operators may. */
const OPERATOR = 'user:default/operator';
/** Holds no DocuChat permission. */
const OUTSIDER = 'user:default/outsider';

// As the portal's policy for these actions: only operators hold
// docuchat.tenant.create and docuchat.billing.run.
const operatorsCreateTenants = createBackendModule({
  pluginId: 'permission',
  moduleId: 'test-operators-create-tenants',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy({
          async handle(request, user) {
            const operatorsOnly = [
              docuchatTenantCreatePermission.name,
              docuchatBillingRunPermission.name,
            ];
            const allowed =
              !operatorsOnly.includes(request.permission.name) ||
              user?.info.userEntityRef === OPERATOR;
            return {
              result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
            };
          },
        });
      },
    });
  },
});

/**
 * The real DocuChat and permission backends with the policy above, and a
 * client of DocuChat's API at the backend's address.
 */
async function startDocuchat(docuchat: JsonObject) {
  const { server } = await startTestBackend({
    features: [
      permissionPlugin,
      operatorsCreateTenants,
      docuchatPlugin,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          docuchat: {
            openai: { apiKey: 'unused', baseURL: 'http://127.0.0.1:9/v1' },
            embeddings: { provider: 'openai', dimensions: 64 },
            ...docuchat,
          },
        },
      }),
    ],
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, api: new DocuchatApi(discoveryAt(base), mockServices.auth()) };
}

describe('docuchat:tenant:create against the real DocuChat backend', () => {
  it('creates the tenant as the initiator, and a dry run creates nothing', async () => {
    // The real permission backend decides; DocuChat admits the catalog
    // plugin without a user for reads, as app-config.yaml does.
    const { base, api } = await startDocuchat({
      serviceAccess: [
        { subject: 'plugin:catalog', permissions: ['docuchat.tenant.read'] },
      ],
    });
    const action = createTenantCreateAction(api);
    const input = {
      id: 'initech',
      displayName: 'Initech',
      ownerRef: 'group:default/initech',
      mobile: '09121234567',
    };
    // The tenant as the catalog, which may read every tenant, sees it.
    const asCatalog = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('plugin:catalog'),
      targetPluginId: 'docuchat',
    });
    const readTenant = (id: string) =>
      fetch(`${base}/api/docuchat/tenants/${id}`, {
        headers: { Authorization: asCatalog },
      });

    const dry = actionContext(input, { dryRun: true, initiator: OPERATOR });
    await action.handler(dry as any);
    expect(dry.loggedText()).toContain('would create tenant initech');
    expect((await readTenant('initech')).status).toBe(404);

    // The API decides on the initiator: a user who may not create tenants
    // is refused. (The scaffolder's own service credentials would be
    // refused for the operator too: they are not in docuchat.serviceAccess.)
    await expect(
      action.handler(actionContext(input, { initiator: OUTSIDER }) as any),
    ).rejects.toThrow(/403/);
    expect((await readTenant('initech')).status).toBe(404);

    const ctx = actionContext(input, { initiator: OPERATOR });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:default/docuchat-tenant-initech',
    );
    const after = await readTenant('initech');
    expect(await after.json()).toMatchObject({
      id: 'initech',
      displayName: 'Initech',
      ownerRef: 'group:default/initech',
    });

    // The API's answer to a second create comes back as the error.
    await expect(
      action.handler(actionContext(input, { initiator: OPERATOR }) as any),
    ).rejects.toThrow(/409/);
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

describe('docuchat:billing:run against the real DocuChat backend', () => {
  it('bills closed days as the initiator and outputs the run the API answers', async () => {
    const { base, api } = await startDocuchat({
      billing: { timezone: 'Asia/Tehran' },
    });
    const action = createBillingRunAction(api);

    await expect(
      action.handler(
        actionContext({ day: '2026-11-01' }, { initiator: OUTSIDER }) as any,
      ),
    ).rejects.toThrow(/403/);

    const day = actionContext({ day: '2026-11-01' }, { initiator: OPERATOR });
    await action.handler(day as any);
    const range = actionContext(
      { from: '2026-10-30', to: '2026-10-31' },
      { initiator: OPERATOR },
    );
    await action.handler(range as any);

    const runOf = (ctx: ReturnType<typeof actionContext>): BillingRun =>
      jest.mocked(ctx.output).mock.calls.find(([name]) => name === 'run')![1];
    expect(runOf(day)).toMatchObject({
      trigger: 'manual',
      requestedBy: OPERATOR,
      from: '2026-11-01',
      to: '2026-11-01',
      outcome: 'succeeded',
      daysBilled: 1,
    });
    expect(runOf(range)).toMatchObject({
      from: '2026-10-30',
      to: '2026-10-31',
      daysBilled: 2,
    });
    // The operators' list holds the very runs the action output (beside
    // the scheduler's own catch-up run).
    const listed = await fetch(`${base}/api/docuchat/billing/runs`, {
      headers: { Authorization: mockCredentials.user.header(OPERATOR) },
    }).then(res => res.json());
    expect(listed.items).toEqual(
      expect.arrayContaining([runOf(day), runOf(range)]),
    );

    // The API refuses a day that has not closed yet; the action says why.
    await expect(
      action.handler(
        actionContext({ day: '2099-01-01' }, { initiator: OPERATOR }) as any,
      ),
    ).rejects.toThrow(/400/);
  }, 30_000);
});
