import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { docuchatPlugin } from './plugin';

describe('docuchatPlugin', () => {
  async function startAnonymous(
    config?: ReturnType<typeof mockServices.rootConfig.factory>,
  ) {
    // The default test httpAuth treats every request as a signed-in user;
    // here a request without a token must stay anonymous.
    const { server } = await startTestBackend({
      features: [
        docuchatPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        ...(config ? [config] : []),
      ],
    });
    return server;
  }

  it('answers health without credentials', async () => {
    const server = await startAnonymous();
    const res = await request(server).get('/api/docuchat/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      capabilities: ['tenants', 'documents', 'chat', 'usage', 'billing'],
    });
  });

  it('lists no billing in health while docuchat.billing.enabled is false', async () => {
    const server = await startAnonymous(
      mockServices.rootConfig.factory({
        data: { docuchat: { billing: { enabled: false } } },
      }),
    );
    const res = await request(server).get('/api/docuchat/health');
    expect(res.body.capabilities).toEqual([
      'tenants',
      'documents',
      'chat',
      'usage',
    ]);
  });

  it.each(['/api/docuchat/tenants', '/api/docuchat/anything/else'])(
    'rejects %s without credentials',
    async path => {
      const server = await startAnonymous();
      const res = await request(server).get(path);
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    },
  );

  it('lets a signed-in user past the auth policy', async () => {
    const { server } = await startTestBackend({ features: [docuchatPlugin] });
    const res = await request(server)
      .get('/api/docuchat/no-such-route')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(404);
  });
});
