import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * A payment to request: one invoice's amount. The shape Iranian gateways
 * share (Zibal, Zarinpal v4, IDPay): request a payment, send the payer to its
 * page, take the callback, verify it, and inquire when verify says it was
 * already verified.
 *
 * @public
 */
export interface PaymentRequest {
  /** Integer Rials. */
  amountRials: number;
  /** Stable per invoice. */
  orderId: string;
  /** Where the gateway sends the payer back (the backend's callback). */
  callbackUrl: string;
  /** The payer's mobile, when known (`09xxxxxxxxx`). */
  mobile?: string;
  description?: string;
}

/** A payment the gateway opened. @public */
export interface PaymentLink {
  trackId: string;
  /** The payer's page. */
  url: string;
}

/**
 * What the gateway says about a payment. `paid`: paid and verified, with
 * the amount the gateway verified; `failed`: cancelled, refused or
 * reversed, the link is spent; `pending`: not paid yet (or unknown);
 * `already_verified`: verify ran before (Zibal's 201, no amount): read the
 * payment with `inquiry`.
 *
 * @public
 */
export interface PaymentVerification {
  state: 'paid' | 'failed' | 'pending' | 'already_verified';
  /** Integer Rials the gateway reports; absent when it reported none. */
  amountRials?: number;
  orderId?: string;
  refNumber?: string;
  cardNumber?: string;
  paidAt?: string;
  /** The gateway's own codes and message, for logs and the invoice. */
  detail: string;
}

/** The parameters of a callback, before anything is trusted. @public */
export interface PaymentCallback {
  trackId: string;
  orderId?: string;
  /** What the callback claims; never trusted: verify decides. */
  claimsSuccess: boolean;
}

/**
 * A payment gateway. Errors (network, timeout, refusal) throw; a payment
 * counts only when `verify` (or `inquiry`) answers `paid` with the invoice's
 * amount.
 *
 * @public
 */
export interface PaymentGateway {
  /** Short id such as `zibal`, recorded on runs and logs. */
  readonly id: string;
  /** The smallest amount the gateway accepts, in Rials. */
  readonly minimumAmountRials: number;
  request(payment: PaymentRequest): Promise<PaymentLink>;
  /** Confirms a payment; a second verify of the same payment goes through inquiry. */
  verify(trackId: string): Promise<PaymentVerification>;
  inquiry(trackId: string): Promise<PaymentVerification>;
  /** Reads a callback's query; undefined when it is not one of ours. */
  parseCallback(query: Record<string, unknown>): PaymentCallback | undefined;
}

/**
 * Lets a backend module replace the built-in Zibal gateway.
 *
 * @public
 */
export interface DocuchatPaymentGatewayExtensionPoint {
  setPaymentGateway(gateway: PaymentGateway): void;
}

/** @public */
export const docuchatPaymentGatewayExtensionPoint =
  createExtensionPoint<DocuchatPaymentGatewayExtensionPoint>({
    id: 'docuchat.payment-gateway',
  });
