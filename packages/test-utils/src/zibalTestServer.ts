/**
 * A local HTTP server that speaks Zibal's `/v1/request`, `/v1/verify` and
 * `/v1/inquiry` and enforces the documented rules (integer Rials ≥ 1,000
 * and ≤ 500,000,000, an http(s) callbackUrl, a known merchant, a mobile
 * like 09xxxxxxxxx, result and status codes), for tests and the billing
 * benchmark that run the real client without network access.
 *
 * Payments move as on the real gateway: a request opens one at status -1
 * (awaiting payment); `pay(trackId)` is the payer paying (status 2, paid not
 * verified), `cancel(trackId)` the payer leaving (3); the first verify of a
 * paid payment answers 100 with the amount and makes it status 1, a second
 * verify answers 201 without an amount; inquiry reads any payment.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ZibalTestPayment {
  trackId: number;
  merchant: string;
  amount: number;
  orderId?: string;
  mobile?: string;
  callbackUrl: string;
  status: number;
  verified: boolean;
  refNumber?: number;
  cardNumber?: string;
  paidAt?: string;
}

type Route = '/v1/request' | '/v1/verify' | '/v1/inquiry';

/** What the next calls to a route get instead of the normal answer. */
export type ZibalFault =
  | { kind: 'down' } // HTTP 502
  | { kind: 'hang' } // never answers (client timeouts)
  | { kind: 'reply'; body: object } // a made-up reply (forged or odd)
  | { kind: 'echo'; status: number }; // the request body back, as careless proxies do

export interface ZibalTestServer {
  baseUrl: string;
  payments: Map<number, ZibalTestPayment>;
  /** Every request's route and parsed body, in order. */
  requests: Array<{ route: string; body: any }>;
  pay(trackId: string | number, amount?: number): void;
  cancel(trackId: string | number): void;
  /** The next `count` calls of `route` get `fault` (Infinity: until cleared). */
  fault(route: Route, fault: ZibalFault, count?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const MIN_AMOUNT = 1000;
const MAX_AMOUNT = 500_000_000;

export async function startZibalTestServer(options?: {
  merchants?: string[];
}): Promise<ZibalTestServer> {
  const merchants = new Set(options?.merchants ?? ['zibal']);
  const payments = new Map<number, ZibalTestPayment>();
  const requests: Array<{ route: string; body: any }> = [];
  const faults = new Map<string, Array<ZibalFault>>();
  const hanging = new Set<ServerResponse>();
  let nextTrackId = 3_000_000_000;
  let nextRef = 1;

  const send = (res: ServerResponse, body: object) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const handlers: Record<Route, (body: any) => object> = {
    '/v1/request': body => {
      if (!merchants.has(body.merchant)) {
        return { result: 102, message: 'merchant یافت نشد.' };
      }
      if (!Number.isInteger(body.amount) || body.amount < MIN_AMOUNT) {
        return {
          result: 105,
          message: 'amount بایستی بزرگتر از 1,000 ریال باشد.',
        };
      }
      if (body.amount > MAX_AMOUNT) {
        return {
          result: 113,
          message: 'amount تراکنش از سقف میزان تراکنش بیشتر است.',
        };
      }
      if (
        typeof body.callbackUrl !== 'string' ||
        !/^https?:\/\/[^\s]+$/.test(body.callbackUrl)
      ) {
        return { result: 106, message: 'callbackUrl نامعتبر می‌باشد.' };
      }
      if (body.mobile !== undefined && !/^09\d{9}$/.test(String(body.mobile))) {
        return { result: 106, message: 'mobile نامعتبر می‌باشد.' };
      }
      const trackId = nextTrackId++;
      payments.set(trackId, {
        trackId,
        merchant: body.merchant,
        amount: body.amount,
        orderId: body.orderId,
        mobile: body.mobile,
        callbackUrl: body.callbackUrl,
        status: -1,
        verified: false,
      });
      return { trackId, result: 100, message: 'success' };
    },
    '/v1/verify': body => {
      if (!merchants.has(body.merchant))
        return { result: 102, message: 'merchant یافت نشد.' };
      const payment = payments.get(Number(body.trackId));
      if (!payment || payment.merchant !== body.merchant) {
        return { result: 203, message: 'trackId نامعتبر می‌باشد.' };
      }
      if (payment.verified) return { result: 201, message: 'قبلا تایید شده.' };
      if (payment.status !== 2) {
        return {
          result: 202,
          status: payment.status,
          message: 'سفارش پرداخت نشده یا ناموفق بوده است.',
        };
      }
      payment.status = 1;
      payment.verified = true;
      return {
        paidAt: payment.paidAt,
        amount: payment.amount,
        result: 100,
        status: 1,
        refNumber: payment.refNumber,
        description: 'Hello World!',
        cardNumber: payment.cardNumber,
        orderId: payment.orderId,
        message: 'success',
      };
    },
    '/v1/inquiry': body => {
      if (!merchants.has(body.merchant))
        return { result: 102, message: 'merchant یافت نشد.' };
      const payment = payments.get(Number(body.trackId));
      if (!payment) return { result: 203, message: 'trackId نامعتبر می‌باشد.' };
      return {
        result: 100,
        message: 'success',
        status: payment.status,
        amount: payment.amount,
        orderId: payment.orderId,
        refNumber: payment.refNumber ?? null,
        cardNumber: payment.cardNumber ?? null,
        paidAt: payment.paidAt ?? null,
        verifiedAt: payment.verified ? payment.paidAt : null,
      };
    },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', chunk => (text += chunk));
    req.on('end', () => {
      const route = (req.url ?? '').split('?')[0];
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      requests.push({ route, body });
      const handler = handlers[route as Route];
      if (req.method !== 'POST' || !handler) {
        res.writeHead(404).end();
        return;
      }
      const queue = faults.get(route);
      const fault = queue?.shift();
      if (fault) {
        if (fault.kind === 'down') {
          res
            .writeHead(502, { 'content-type': 'text/html' })
            .end('<h1>502 Bad Gateway</h1>');
          return;
        }
        if (fault.kind === 'echo') {
          res
            .writeHead(fault.status, { 'content-type': 'text/plain' })
            .end(`Bad request: ${text}`);
          return;
        }
        if (fault.kind === 'hang') {
          hanging.add(res);
          return;
        }
        send(res, fault.body);
        return;
      }
      if (typeof body !== 'object' || body === null) {
        send(res, { result: -1, message: 'invalid json' });
        return;
      }
      send(res, handler(body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const find = (trackId: string | number) => {
    const payment = payments.get(Number(trackId));
    if (!payment) throw new Error(`No payment ${trackId}`);
    return payment;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    payments,
    requests,
    pay(trackId, amount) {
      const payment = find(trackId);
      if (amount !== undefined) payment.amount = amount;
      payment.status = 2;
      payment.refNumber = nextRef++;
      payment.cardNumber = '62741****44';
      payment.paidAt = new Date().toISOString();
    },
    cancel(trackId) {
      find(trackId).status = 3;
    },
    fault(route, fault, count = 1) {
      const queue = faults.get(route) ?? [];
      for (let i = 0; i < Math.min(count, 10_000); i++) queue.push(fault);
      faults.set(route, queue);
    },
    clearFaults() {
      faults.clear();
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
