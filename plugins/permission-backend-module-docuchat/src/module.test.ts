import { docuchatChatPermission } from '@docuchat/backstage-plugin-docuchat-common';
import request from 'supertest';
import {
  ALICE,
  as,
  asService,
  BOB,
  onBehalfOf,
  OPERATOR,
  OUTSIDER,
  startPolicyTestBackend,
} from './__testUtils__/policyTestBackend';

// The real permission backend runs the portal's policy; DocuChat asks it with
// the caller's credentials. No PermissionsService is mocked here.
describe('DocuChat under the portal permission policy', () => {
  let server: any;
  const api = (path: string) => `/api/docuchat${path}`;
  const get = (path: string, auth: string) =>
    request(server).get(api(path)).set('Authorization', auth);

  beforeAll(async () => {
    server = await startPolicyTestBackend({});
    // A document in each tenant, uploaded by an operator.
    for (const tenant of ['acme', 'globex']) {
      const res = await request(server)
        .post(api(`/tenants/${tenant}/documents`))
        .set('Authorization', as(OPERATOR))
        .send({
          title: `${tenant} handbook`,
          text: `The ${tenant} secret recipe is kept in the ${tenant} vault. Holidays start in June.`,
        });
      if (res.status !== 202) {
        throw new Error(`Seeding ${tenant}: ${res.status} ${res.text}`);
      }
    }
  }, 60_000);

  /** Every tenant route, with what a caller who may not see it gets. */
  const tenantRoutes = (tenant: string) => [
    request(server).get(api(`/tenants/${tenant}`)),
    request(server)
      .patch(api(`/tenants/${tenant}`))
      .send({ displayName: 'Taken' }),
    request(server).get(api(`/tenants/${tenant}/documents`)),
    request(server)
      .post(api(`/tenants/${tenant}/documents`))
      .send({ title: 'x', text: 'y' }),
    request(server).get(api(`/tenants/${tenant}/search?q=recipe`)),
    request(server)
      .post(api(`/tenants/${tenant}/ask`))
      .send({ question: 'Where is the recipe?', stream: false }),
    request(server).get(api(`/tenants/${tenant}/usage`)),
    request(server).get(api(`/tenants/${tenant}/conversations`)),
  ];

  describe.each([
    ['a user who owns nothing', as(OUTSIDER)],
    ['a bare external-access token', asService('external:test-service')],
    ['another plugin without a user', asService('plugin:search')],
    ['a plugin on behalf of the outsider', onBehalfOf(OUTSIDER)],
  ])('%s', (_name, auth) => {
    it('sees no tenant', async () => {
      const res = await get('/tenants', auth);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    });

    it('gets 404 on every tenant route, with nothing of the tenant in the body', async () => {
      for (const tenant of ['acme', 'globex']) {
        for (const req of tenantRoutes(tenant)) {
          const res = await req.set('Authorization', auth);
          // Conversations refuse service principals outright (403).
          expect([403, 404]).toContain(res.status);
          expect(JSON.stringify(res.body)).not.toMatch(
            /handbook|vault|Holidays|Acme|Globex/,
          );
        }
      }
    });

    it('gets 403 on operators routes and on creating tenants', async () => {
      expect((await get('/usage', auth)).status).toBe(403);
      const created = await request(server)
        .post(api('/tenants'))
        .set('Authorization', auth)
        .send({ id: 'evil', displayName: 'Evil', ownerRef: OUTSIDER });
      expect(created.status).toBe(403);
    });
  });

  describe('a member of the owner group (conditional decision)', () => {
    it('lists only that tenant', async () => {
      const res = await get('/tenants', as(ALICE));
      expect(res.body.items.map((t: { id: string }) => t.id)).toEqual(['acme']);
    });

    it('uses and manages it', async () => {
      expect((await get('/tenants/acme', as(ALICE))).status).toBe(200);
      expect((await get('/tenants/acme/documents', as(ALICE))).status).toBe(
        200,
      );
      const search = await get('/tenants/acme/search?q=recipe', as(ALICE));
      expect(search.status).toBe(200);
      expect(JSON.stringify(search.body)).not.toMatch(/globex/);
      expect((await get('/tenants/acme/usage', as(ALICE))).status).toBe(200);
      expect((await get('/tenants/acme/conversations', as(ALICE))).status).toBe(
        200,
      );
      const renamed = await request(server)
        .patch(api('/tenants/acme'))
        .set('Authorization', as(ALICE))
        .send({ displayName: 'Acme Inc.' });
      expect(renamed.status).toBe(200);
      const ask = await request(server)
        .post(api('/tenants/acme/ask'))
        .set('Authorization', as(ALICE))
        .send({ question: 'Where is the secret recipe kept?', stream: false });
      expect(ask.status).toBe(200);
      expect(JSON.stringify(ask.body)).not.toMatch(/globex/);
    });

    it('may not hand the tenant over, change its price plan or raise its budget (403)', async () => {
      for (const body of [
        { ownerRef: ALICE },
        { pricePlan: 'free' },
        { dailyTokenBudget: 10 ** 9 },
      ]) {
        const res = await request(server)
          .patch(api('/tenants/acme'))
          .set('Authorization', as(ALICE))
          .send(body);
        expect(res.status).toBe(403);
      }
    });

    it('gets 404 on the other tenant and 403 on operators routes', async () => {
      for (const req of tenantRoutes('globex')) {
        const res = await req.set('Authorization', as(ALICE));
        expect(res.status).toBe(404);
        expect(JSON.stringify(res.body)).not.toMatch(
          /handbook|vault|Holidays|Globex/,
        );
      }
      expect((await get('/usage', as(ALICE))).status).toBe(403);
    });

    it('is decided on the user when another plugin calls on its behalf', async () => {
      const res = await get('/tenants', onBehalfOf(ALICE));
      expect(res.body.items.map((t: { id: string }) => t.id)).toEqual(['acme']);
      expect((await get('/tenants/globex', onBehalfOf(ALICE))).status).toBe(
        404,
      );
    });
  });

  it('resolves conditional decisions for one tenant, as the frontend asks', async () => {
    // usePermission({ permission, resourceRef }) posts this; the permission
    // backend applies the condition through DocuChat's registered rules.
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', as(ALICE))
      .send({
        items: ['acme', 'globex'].map(resourceRef => ({
          id: resourceRef,
          permission: docuchatChatPermission,
          resourceRef,
        })),
      });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: 'acme', result: 'ALLOW' },
      { id: 'globex', result: 'DENY' },
    ]);
  });

  it('a user who is the owner itself uses its tenant', async () => {
    const res = await get('/tenants', as(BOB));
    expect(res.body.items.map((t: { id: string }) => t.id)).toEqual(['globex']);
    expect((await get('/tenants/globex/documents', as(BOB))).status).toBe(200);
    expect((await get('/tenants/acme', as(BOB))).status).toBe(404);
  });

  describe('an operator', () => {
    it('sees every tenant and every tenant usage', async () => {
      const res = await get('/tenants', as(OPERATOR));
      expect(res.body.items.map((t: { id: string }) => t.id)).toEqual([
        'acme',
        'globex',
      ]);
      expect((await get('/usage', as(OPERATOR))).status).toBe(200);
      expect((await get('/tenants/globex/usage', as(OPERATOR))).status).toBe(
        200,
      );
    });

    it('creates tenants and sets their budget', async () => {
      const created = await request(server)
        .post(api('/tenants'))
        .set('Authorization', as(OPERATOR))
        .send({ id: 'initech', displayName: 'Initech', ownerRef: BOB });
      expect(created.status).toBe(201);
      const patched = await request(server)
        .patch(api('/tenants/initech'))
        .set('Authorization', as(OPERATOR))
        .send({ dailyTokenBudget: 5000 });
      expect(patched.status).toBe(200);
      expect(patched.body.dailyTokenBudget).toBe(5000);
      const cleared = await request(server)
        .patch(api('/tenants/initech'))
        .set('Authorization', as(OPERATOR))
        .send({ dailyTokenBudget: null });
      expect(cleared.body.dailyTokenBudget).toBeUndefined();
    });
  });

  describe('service principals listed in docuchat.serviceAccess', () => {
    it('the catalog module lists and reads tenants, and nothing more', async () => {
      const catalog = asService('plugin:catalog');
      const res = await get('/tenants', catalog);
      expect(res.body.items.map((t: { id: string }) => t.id)).toEqual(
        expect.arrayContaining(['acme', 'globex']),
      );
      expect((await get('/tenants/acme', catalog)).status).toBe(200);
      // Visible, but not allowed: 403 rather than 404.
      expect((await get('/tenants/acme/documents', catalog)).status).toBe(200);
      expect((await get('/tenants/acme/usage', catalog)).status).toBe(403);
      expect((await get('/tenants/acme/search?q=x', catalog)).status).toBe(403);
      expect((await get('/usage', catalog)).status).toBe(403);
    });

    it('the smoke-test token reads health and its one tenant', async () => {
      const smoke = asService('deploy-smoke-test');
      expect((await get('/health', smoke)).status).toBe(200);
      const res = await get('/tenants', smoke);
      expect(res.body.items.map((t: { id: string }) => t.id)).toEqual(['acme']);
      expect((await get('/tenants/acme', smoke)).status).toBe(200);
      expect((await get('/tenants/globex', smoke)).status).toBe(404);
    });
  });
});
