import { Invoice } from '@docuchat/backstage-plugin-docuchat-common';

/** An invoice that needs a payment link or an email, with its lines. */
export interface InvoiceWork {
  id: string;
  tenantId: string;
  period: string;
  amountRials: number;
  trackId?: string;
  paymentUrl?: string;
  lines: NonNullable<Invoice['lines']>;
}

/** What a payment verification found, for {@link InvoiceOutboxStore.markPaid}. */
export interface PaidDetails {
  trackId: string;
  paidAt: Date;
  refNumber?: string;
  cardNumber?: string;
}

/**
 * The invoices' outbox: payment links, their verification and e-mails,
 * claimed with leases so that of several backends one does each piece of
 * work, and a backend that dies leaves it to the next once the lease ends.
 */
export interface InvoiceOutboxStore {
  /** Claims invoices that need a (fresh) link; the claim lasts `leaseMs`. */
  claimForLinks(options: {
    now: Date;
    linkTtlMs: number;
    leaseMs: number;
    invoiceId?: string;
    limit?: number;
  }): Promise<InvoiceWork[]>;
  recordLink(
    id: string,
    link: { trackId: string; url: string },
    now: Date,
  ): Promise<void>;
  recordLinkFailure(id: string, error: string): Promise<void>;

  claimForEmail(options: {
    now: Date;
    leaseMs: number;
    limit?: number;
  }): Promise<InvoiceWork[]>;
  recordEmailSent(id: string, now: Date): Promise<void>;
  recordEmailFailure(id: string, error: string): Promise<void>;

  /** Takes the per-invoice verification lock; false when another holds it. */
  claimVerification(id: string, now: Date, leaseMs: number): Promise<boolean>;
  releaseVerification(id: string, error?: string): Promise<void>;
  /** issued/failed → paid; false when the invoice was not payable. */
  markPaid(id: string, details: PaidDetails): Promise<boolean>;
  /** The link was cancelled or refused: the invoice needs a fresh one. */
  markPaymentFailed(
    id: string,
    trackId: string,
    reason: string,
  ): Promise<boolean>;
  /** Invoices whose verification could not finish (gateway timeout). */
  unverifiedPayments(): Promise<Array<{ id: string; trackId: string }>>;
}
