import request from 'supertest';
import { startPolicyTestBackend } from './__testUtils__/policyTestBackend';

/** Static tokens of `backend.auth.externalAccess`, by what they may do. */
const TOKENS = {
  /** deploy-smoke-test (serviceAccess: tenant.read on acme), narrowed to tenant.read. */
  smoke: 'smoke-token-4d1c7e9a2b6f',
  /** usage-report (serviceAccess: tenant.read, usage.read), narrowed to tenant.read. */
  reportNarrowed: 'report-narrowed-token-8e2a5c',
  /** usage-report, restricted to DocuChat but to no permission in it. */
  reportWhole: 'report-whole-token-3b9f1d7c',
  /** usage-report, restricted to the catalog plugin. */
  reportCatalogOnly: 'report-catalog-token-6a4e2f',
  /** tenant-editor (serviceAccess: tenant.read, tenant.update), narrowed to action read. */
  editorReadOnly: 'editor-read-token-1f8c3a5e',
  /** tenant-editor without accessRestrictions. */
  editor: 'editor-token-9c7e5a3b1d',
  /** Not in serviceAccess, narrowed to DocuChat's tenant.read. */
  strangerNarrowed: 'stranger-narrowed-token-2e6b',
  /** Not in serviceAccess, without accessRestrictions: a bare token. */
  stranger: 'stranger-token-7d3f9b1e5a',
};

const staticToken = (
  token: string,
  subject: string,
  accessRestrictions?: object[],
) => ({
  type: 'static',
  options: { token, subject },
  ...(accessRestrictions ? { accessRestrictions } : {}),
});

// Backstage's own auth service validates static tokens and applies their
// accessRestrictions (the permission framework denies what they leave out);
// DocuChat admits the subject only for what docuchat.serviceAccess lists.
// Both must allow a call.
describe('DocuChat with external-access tokens (Backstage auth, not mocked)', () => {
  let server: any;
  const call = (
    method: 'get' | 'post' | 'patch',
    path: string,
    token: string,
  ) =>
    request(server)
      [method](`/api/docuchat${path}`)
      .set('Authorization', `Bearer ${token}`);
  const tenantIds = (res: request.Response) =>
    res.body.items.map((t: { id: string }) => t.id);

  beforeAll(async () => {
    const docuchatOnly = (permission?: string[]) => [
      { plugin: 'docuchat', ...(permission ? { permission } : {}) },
    ];
    server = await startPolicyTestBackend({
      externalAccess: [
        staticToken(
          TOKENS.smoke,
          'deploy-smoke-test',
          docuchatOnly(['docuchat.tenant.read']),
        ),
        staticToken(
          TOKENS.reportNarrowed,
          'usage-report',
          docuchatOnly(['docuchat.tenant.read']),
        ),
        staticToken(TOKENS.reportWhole, 'usage-report', docuchatOnly()),
        staticToken(TOKENS.reportCatalogOnly, 'usage-report', [
          { plugin: 'catalog' },
        ]),
        staticToken(TOKENS.editorReadOnly, 'tenant-editor', [
          { plugin: 'docuchat', permissionAttribute: { action: 'read' } },
        ]),
        staticToken(TOKENS.editor, 'tenant-editor'),
        staticToken(
          TOKENS.strangerNarrowed,
          'stranger',
          docuchatOnly(['docuchat.tenant.read']),
        ),
        staticToken(TOKENS.stranger, 'stranger'),
      ],
      docuchat: {
        serviceAccess: [
          {
            subject: 'deploy-smoke-test',
            permissions: ['docuchat.tenant.read'],
            tenants: ['acme'],
          },
          {
            subject: 'usage-report',
            permissions: ['docuchat.tenant.read', 'docuchat.usage.read'],
          },
          {
            subject: 'tenant-editor',
            permissions: ['docuchat.tenant.read', 'docuchat.tenant.update'],
            tenants: ['globex'],
          },
        ],
      },
    });
  }, 60_000);

  it('works for a token whose subject is in serviceAccess, within both', async () => {
    const tenants = await call('get', '/tenants', TOKENS.smoke);
    expect(tenants.status).toBe(200);
    expect(tenantIds(tenants)).toEqual(['acme']);
    const acme = await call('get', '/tenants/acme', TOKENS.smoke);
    expect([acme.status, acme.body.id]).toEqual([200, 'acme']);
    expect((await call('get', '/tenants/globex', TOKENS.smoke)).status).toBe(
      404,
    );
  });

  it('answers 403 for a permission the accessRestrictions leave out, though serviceAccess grants it', async () => {
    const narrowed = await call(
      'get',
      '/tenants/acme/usage',
      TOKENS.reportNarrowed,
    );
    expect(narrowed.status).toBe(403);
    expect(narrowed.body.error.message).toMatch(/docuchat\.usage\.read/);
    expect(
      tenantIds(await call('get', '/tenants', TOKENS.reportNarrowed)),
    ).toEqual(['acme', 'globex']);
    // The same subject with a token restricted to DocuChat as a whole.
    const whole = await call('get', '/tenants/acme/usage', TOKENS.reportWhole);
    expect(whole.status).toBe(200);
    expect(whole.body).toMatchObject({ tenantId: 'acme' });
  });

  it('answers 403 for a permission whose action the permissionAttribute leaves out', async () => {
    const rename = (token: string) =>
      call('patch', '/tenants/globex', token).send({ displayName: 'Globex' });
    expect(
      (await call('get', '/tenants/globex', TOKENS.editorReadOnly)).status,
    ).toBe(200);
    const readOnly = await rename(TOKENS.editorReadOnly);
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.error.message).toMatch(/docuchat\.tenant\.update/);
    expect((await rename(TOKENS.editor)).status).toBe(200);
    // serviceAccess limits the same subject to globex.
    expect(
      (
        await call('patch', '/tenants/acme', TOKENS.editor).send({
          displayName: 'Acme',
        })
      ).status,
    ).toBe(404);
  });

  it('refuses a token restricted to another plugin on every route', async () => {
    for (const path of ['/tenants', '/tenants/acme', '/tenants/acme/usage']) {
      const res = await call('get', path, TOKENS.reportCatalogOnly);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(
        /restricted to plugin\(s\) 'catalog'/,
      );
    }
  });

  describe.each([
    ['narrowed to tenant.read', TOKENS.strangerNarrowed],
    ['without accessRestrictions', TOKENS.stranger],
  ])('a token whose subject is not in serviceAccess, %s', (_what, token) => {
    it('sees no tenant and gets 404 on tenant routes', async () => {
      const tenants = await call('get', '/tenants', token);
      expect([tenants.status, tenants.body.items]).toEqual([200, []]);
      for (const path of ['/tenants/acme', '/tenants/globex/usage']) {
        const res = await call('get', path, token);
        expect(res.status).toBe(404);
        expect(JSON.stringify(res.body)).not.toMatch(/Acme|Globex/);
      }
    });

    it('gets 403 on operators routes and on creating tenants', async () => {
      expect((await call('get', '/usage', token)).status).toBe(403);
      const created = await call('post', '/tenants', token).send({
        id: 'evil',
        displayName: 'Evil',
        ownerRef: 'user:default/outsider',
      });
      expect(created.status).toBe(403);
    });
  });

  it('answers 401 to a token Backstage does not know, and to a mock token', async () => {
    for (const token of ['unknown-token-5e8a2c4f', 'mock-service-token']) {
      const res = await call('get', '/tenants', token);
      expect(res.status).toBe(401);
    }
  });
});
