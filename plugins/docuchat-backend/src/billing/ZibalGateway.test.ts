import {
  startZibalTestServer,
  ZibalTestServer,
} from '@internal/docuchat-test-utils';
import { ZibalGateway } from './ZibalGateway';

describe('ZibalGateway against the local Zibal server', () => {
  let zibal: ZibalTestServer;
  const payment = {
    amountRials: 25_000,
    orderId: 'inv-1',
    callbackUrl: 'https://portal.example/api/docuchat/billing/zibal/callback',
  };
  const client = (merchant = 'zibal', timeoutMs = 1000) =>
    new ZibalGateway({ baseUrl: zibal.baseUrl, merchant, timeoutMs });

  beforeAll(async () => {
    zibal = await startZibalTestServer();
  });
  afterAll(() => zibal.close());
  beforeEach(() => zibal.clearFaults());

  it('requests a payment and builds the start link', async () => {
    const link = await client().request({ ...payment, mobile: '09121234567' });
    expect(link.url).toBe(`https://gateway.zibal.ir/start/${link.trackId}`);
    expect(zibal.payments.get(Number(link.trackId))).toMatchObject({
      amount: 25_000,
      orderId: 'inv-1',
      mobile: '09121234567',
      status: -1,
    });
    expect(zibal.requests.at(-1)).toEqual({
      route: '/v1/request',
      body: {
        merchant: 'zibal',
        amount: 25_000,
        callbackUrl: payment.callbackUrl,
        orderId: 'inv-1',
        mobile: '09121234567',
      },
    });
  });

  it.each([
    ['an amount under 1,000 Rials', { amountRials: 999 }, 105],
    ['a fractional amount', { amountRials: 1500.5 }, 105],
    ['an amount over the ceiling', { amountRials: 500_000_001 }, 113],
    [
      'a callback that is not http(s)',
      { callbackUrl: 'ftp://x/callback' },
      106,
    ],
  ])('is refused %s', async (_what, change, result) => {
    await expect(
      client().request({ ...payment, ...change }),
    ).rejects.toMatchObject({ result });
  });

  it('is refused with an unknown merchant', async () => {
    await expect(client('nobody').request(payment)).rejects.toMatchObject({
      result: 102,
    });
  });

  it('verifies once; a second verify is 201 and inquiry reads the payment', async () => {
    const { trackId } = await client().request(payment);
    expect(await client().verify(trackId)).toMatchObject({
      state: 'failed',
      detail: expect.stringMatching(/result 202, status -1/),
    });
    zibal.pay(trackId);
    expect(await client().verify(trackId)).toMatchObject({
      state: 'paid',
      amountRials: 25_000,
      orderId: 'inv-1',
      refNumber: expect.any(String),
    });
    expect(await client().verify(trackId)).toEqual({
      state: 'already_verified',
      detail: expect.stringMatching(/201/),
    });
    expect(await client().inquiry(trackId)).toMatchObject({
      state: 'paid',
      amountRials: 25_000,
    });
  });

  it('reports a cancelled payment and an unknown trackId as failed', async () => {
    const { trackId } = await client().request(payment);
    zibal.cancel(trackId);
    expect(await client().inquiry(trackId)).toMatchObject({
      state: 'failed',
      detail: expect.stringMatching(/status 3/),
    });
    expect(await client().verify('123')).toMatchObject({
      state: 'failed',
      detail: expect.stringMatching(/result 203/),
    });
  });

  it('times out instead of waiting for a gateway that hangs', async () => {
    zibal.fault('/v1/verify', { kind: 'hang' });
    const started = Date.now();
    await expect(client('zibal', 300).verify('1')).rejects.toThrow(
      /timed out after 300 ms/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a gateway that is down', async () => {
    zibal.fault('/v1/request', { kind: 'down' });
    await expect(client().request(payment)).rejects.toThrow(/HTTP 502/);
  });

  it('never quotes the merchant key that a gateway or proxy echoes', async () => {
    const merchant = 'real-merchant-0f9e8d7c6b';
    const echo = /Bad request: .*"amount":25000/;
    zibal.fault('/v1/request', { kind: 'echo', status: 400 });
    const proxied = client(merchant).request(payment);
    await expect(proxied).rejects.toThrow(echo);
    await expect(proxied).rejects.toThrow(/"merchant":"\[merchant\]"/);
    zibal.fault('/v1/verify', {
      kind: 'reply',
      body: { result: 202, status: 3, message: `${merchant}: cancelled` },
    });
    const verified = await client(merchant).verify('1');
    expect(verified.detail).toBe('result 202, status 3: [merchant]: cancelled');
    zibal.fault('/v1/request', {
      kind: 'reply',
      body: { result: 104, message: `merchant ${merchant} is invalid` },
    });
    await expect(client(merchant).request(payment)).rejects.toThrow(
      'Zibal refused the payment request: result 104 merchant [merchant] is invalid',
    );
  });

  it('reads callbacks without trusting them', () => {
    expect(
      client().parseCallback({
        trackId: '42',
        success: '1',
        orderId: 'inv-1',
        status: '2',
      }),
    ).toEqual({ trackId: '42', orderId: 'inv-1', claimsSuccess: true });
    expect(
      client().parseCallback({ trackId: '42; drop table', success: '1' }),
    ).toBeUndefined();
    expect(client().parseCallback({})).toBeUndefined();
  });
});
