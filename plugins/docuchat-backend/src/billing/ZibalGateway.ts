import {
  PaymentCallback,
  PaymentGateway,
  PaymentLink,
  PaymentRequest,
  PaymentVerification,
} from '@docuchat/backstage-plugin-docuchat-node';
import { ZIBAL_MIN_AMOUNT_RIALS } from '@docuchat/backstage-plugin-docuchat-common';

/** Zibal's public sandbox merchant: nothing to hide. */
const SANDBOX_MERCHANT = 'zibal';
/** Zibal's `status` of a payment that was paid and verified. */
const PAID_AND_VERIFIED = 1;
/** The payer has not paid (yet): verify answers 202 with this status. */
const AWAITING_PAYMENT = -1;
/** Statuses after which the trackId can never be paid: refused, cancelled, reversed. */
const SPENT_STATUSES = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 18]);

export interface ZibalOptions {
  /** e.g. https://gateway.zibal.ir */
  baseUrl: string;
  merchant: string;
  /** Per HTTP call. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** A refusal or a failure to reach Zibal. */
export class ZibalError extends Error {
  constructor(message: string, readonly result?: number) {
    super(message);
    this.name = 'ZibalError';
  }
}

/**
 * A small Zibal client on `fetch` (rules in docs: amounts in Rials, the
 * merchant in the body, `result` 100 for success). Every call has a
 * timeout; `verify` answers `already_verified` for result 201, whose reply
 * carries no amount: the caller reads the payment with `inquiry`.
 */
export class ZibalGateway implements PaymentGateway {
  readonly id = 'zibal';
  readonly minimumAmountRials = ZIBAL_MIN_AMOUNT_RIALS;
  readonly #options: ZibalOptions;

  constructor(options: ZibalOptions) {
    this.#options = options;
  }

  private async call(path: string, body: object): Promise<any> {
    const url = `${this.#options.baseUrl.replace(/\/+$/, '')}${path}`;
    const doFetch = this.#options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ merchant: this.#options.merchant, ...body }),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (error) {
      const cause =
        (error as Error).name === 'TimeoutError'
          ? `timed out after ${this.#options.timeoutMs} ms`
          : String((error as any)?.cause ?? error);
      throw new ZibalError(`Zibal ${path} failed: ${cause}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ZibalError(
        `Zibal ${path} answered HTTP ${response.status}: ${this.quote(text)}`,
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new ZibalError(
        `Zibal ${path} answered no JSON: ${this.quote(text)}`,
      );
    }
  }

  /**
   * Zibal's text for our messages, without the merchant key: gateways and
   * the proxies in front of them echo the body they were sent, and these
   * messages reach logs, invoices (`payment.error`) and billing runs.
   */
  private quote(text: unknown): string {
    const { merchant } = this.#options;
    let quoted = String(text ?? '');
    if (merchant && merchant !== SANDBOX_MERCHANT) {
      for (const form of [merchant, JSON.stringify(merchant).slice(1, -1)]) {
        quoted = quoted.split(form).join('[merchant]');
      }
    }
    return quoted.slice(0, 200);
  }

  async request(payment: PaymentRequest): Promise<PaymentLink> {
    const reply = await this.call('/v1/request', {
      amount: payment.amountRials,
      callbackUrl: payment.callbackUrl,
      orderId: payment.orderId,
      ...(payment.mobile ? { mobile: payment.mobile } : {}),
      ...(payment.description ? { description: payment.description } : {}),
    });
    if (reply.result !== 100 || !reply.trackId) {
      throw new ZibalError(
        `Zibal refused the payment request: result ${reply.result} ${this.quote(
          reply.message,
        )}`.trim(),
        reply.result,
      );
    }
    const trackId = String(reply.trackId);
    return { trackId, url: `https://gateway.zibal.ir/start/${trackId}` };
  }

  async verify(trackId: string): Promise<PaymentVerification> {
    const reply = await this.call('/v1/verify', { trackId: Number(trackId) });
    if (reply.result === 201) {
      return {
        state: 'already_verified',
        detail: 'result 201: already verified',
      };
    }
    return this.toVerification(reply);
  }

  async inquiry(trackId: string): Promise<PaymentVerification> {
    const reply = await this.call('/v1/inquiry', { trackId: Number(trackId) });
    return this.toVerification(reply);
  }

  private toVerification(reply: any): PaymentVerification {
    const detail = `result ${reply.result}, status ${reply.status}${
      reply.message ? `: ${this.quote(reply.message)}` : ''
    }`;
    const facts = {
      amountRials: typeof reply.amount === 'number' ? reply.amount : undefined,
      orderId: reply.orderId ?? undefined,
      refNumber:
        reply.refNumber !== undefined ? String(reply.refNumber) : undefined,
      cardNumber: reply.cardNumber ?? undefined,
      paidAt: reply.paidAt ?? undefined,
      detail,
    };
    if (reply.result === 100 && reply.status === PAID_AND_VERIFIED) {
      return { state: 'paid', ...facts };
    }
    // Not paid yet is not failed: a callback for a payment still open (a
    // forged one, or the payer's browser going back) must not cost the
    // payer the link they are about to pay on.
    if (reply.status === AWAITING_PAYMENT) {
      return { state: 'pending', ...facts };
    }
    if (reply.result === 202 || SPENT_STATUSES.has(reply.status)) {
      return { state: 'failed', ...facts };
    }
    if (reply.result === 203) {
      return { state: 'failed', ...facts };
    }
    return { state: 'pending', ...facts };
  }

  parseCallback(query: Record<string, unknown>): PaymentCallback | undefined {
    const trackId =
      typeof query.trackId === 'string' ? query.trackId : undefined;
    if (!trackId || !/^\d{1,20}$/.test(trackId)) return undefined;
    return {
      trackId,
      orderId: typeof query.orderId === 'string' ? query.orderId : undefined,
      claimsSuccess: query.success === '1',
    };
  }
}
