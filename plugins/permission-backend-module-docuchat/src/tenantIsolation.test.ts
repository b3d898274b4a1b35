import request from 'supertest';
import {
  ALICE,
  as,
  asService,
  BOB,
  OPERATOR,
  startPolicyTestBackend,
} from './__testUtils__/policyTestBackend';

// Attempts to reach another tenant's data, each answered with the right
// status and nothing of the other tenant in the body.
describe('DocuChat tenant isolation under attack', () => {
  let server: any;
  let globexDocument: string;
  let bobConversation: string;
  const api = (path: string) => `/api/docuchat${path}`;
  // acme's text says the same words; only the name tells globex's apart.
  const GLOBEX_TEXT = /globex|Globex/;

  beforeAll(async () => {
    server = await startPolicyTestBackend({});
    const ids: Record<string, string> = {};
    for (const [tenant, user] of [
      ['acme', ALICE],
      ['globex', BOB],
    ]) {
      const res = await request(server)
        .post(api(`/tenants/${tenant}/documents`))
        .set('Authorization', as(user))
        .send({
          title: `${tenant} handbook`,
          text: `The ${tenant} secret recipe is kept in the ${tenant} vault. Holidays start in June.`,
        });
      if (res.status !== 202) throw new Error(`${res.status} ${res.text}`);
      ids[tenant] = res.body.id;
    }
    globexDocument = ids.globex;
    const asked = await request(server)
      .post(api('/tenants/globex/ask'))
      .set('Authorization', as(BOB))
      .send({ question: 'Where is the secret recipe?', stream: false });
    if (!asked.body.conversationId) throw new Error(asked.text);
    bobConversation = asked.body.conversationId;
  }, 60_000);

  it("answers 404 to another tenant's document under one's own tenant", async () => {
    for (const req of [
      request(server).get(api(`/tenants/acme/documents/${globexDocument}`)),
      request(server).delete(api(`/tenants/acme/documents/${globexDocument}`)),
      request(server).post(
        api(`/tenants/acme/documents/${globexDocument}/reindex`),
      ),
    ]) {
      const res = await req.set('Authorization', as(ALICE));
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body.error)).not.toMatch(/handbook|vault/);
    }
    // Still there for its owner.
    const own = await request(server)
      .get(api(`/tenants/globex/documents/${globexDocument}`))
      .set('Authorization', as(BOB));
    expect(own.status).toBe(200);
  });

  it("answers 404 to another user's conversation, under either tenant", async () => {
    for (const path of [
      `/tenants/acme/conversations/${bobConversation}`,
      `/tenants/globex/conversations/${bobConversation}`,
    ]) {
      const res = await request(server)
        .get(api(path))
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toMatch(/recipe\?|vault/);
    }
    // Continuing it from acme neither reads nor extends it.
    const res = await request(server)
      .post(api('/tenants/acme/ask'))
      .set('Authorization', as(ALICE))
      .send({
        question: 'And then?',
        conversationId: bobConversation,
        stream: false,
      });
    expect([400, 404]).toContain(res.status);
    expect(JSON.stringify(res.body)).not.toMatch(GLOBEX_TEXT);
  });

  it("refuses another tenant's id in bodies", async () => {
    const patched = await request(server)
      .patch(api('/tenants/acme'))
      .set('Authorization', as(ALICE))
      .send({ id: 'globex', displayName: 'Hijacked' });
    expect(patched.status).toBe(400);
    const globex = await request(server)
      .get(api('/tenants/globex'))
      .set('Authorization', as(OPERATOR));
    expect(globex.body.displayName).toBe('Globex');
    const created = await request(server)
      .post(api('/tenants'))
      .set('Authorization', as(ALICE))
      .send({ id: 'globex', displayName: 'Mine', ownerRef: ALICE });
    expect(created.status).toBe(403);
  });

  it.each([
    `recipe' OR '1'='1`,
    `recipe"; DROP TABLE docuchat_tenants; --`,
    'recipe OR globex OR vault',
    'globex* NEAR(vault recipe)',
    '"secret recipe" AND tenant_id:globex',
    '!!! && || ::: *',
  ])(
    'keeps full-text and SQL syntax in questions inside the tenant: %s',
    async q => {
      const search = await request(server)
        .get(api('/tenants/acme/search'))
        .query({ q, mode: 'fulltext' })
        .set('Authorization', as(ALICE));
      expect(search.status).toBe(200);
      for (const hit of search.body.hits) {
        expect(hit.documentTitle).toBe('acme handbook');
      }
      expect(JSON.stringify(search.body.hits)).not.toMatch(GLOBEX_TEXT);
      const ask = await request(server)
        .post(api('/tenants/acme/ask'))
        .set('Authorization', as(ALICE))
        .send({ question: q, stream: false });
      expect(ask.status).toBe(200);
      expect(JSON.stringify(ask.body)).not.toMatch(
        /globex vault|globex handbook/,
      );
      // The tables are all still there.
      const tenants = await request(server)
        .get(api('/tenants'))
        .set('Authorization', as(OPERATOR));
      expect(tenants.body.items).toHaveLength(2);
    },
  );

  it('answers 413 to oversize bodies and 400 to malformed ones', async () => {
    const big = await request(server)
      .post(api('/tenants/acme/ask'))
      .set('Authorization', as(ALICE))
      .send({ question: 'x'.repeat(70 * 1024), stream: false });
    expect(big.status).toBe(413);
    expect(big.body.error.message).toBe(
      'The request body exceeds the limit of 65536 bytes for this route',
    );
    const malformed = await request(server)
      .post(api('/tenants/acme/ask'))
      .set('Authorization', as(ALICE))
      .set('Content-Type', 'application/json')
      .send('{"question": "unterminated');
    expect(malformed.status).toBe(400);
    const longQuestion = await request(server)
      .post(api('/tenants/acme/ask'))
      .set('Authorization', as(ALICE))
      .send({ question: 'why '.repeat(1500), stream: false });
    expect(longQuestion.status).toBe(400);
    expect(longQuestion.body.error.message).toMatch(/question/);
  });

  it('refuses a service token without a user on every tenant', async () => {
    for (const path of [
      '/tenants/globex/documents',
      `/tenants/globex/documents/${globexDocument}`,
      '/tenants/globex/search?q=vault',
    ]) {
      const res = await request(server)
        .get(api(path))
        .set('Authorization', asService('plugin:scaffolder'));
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body.error)).not.toMatch(/handbook/);
    }
  });
});
