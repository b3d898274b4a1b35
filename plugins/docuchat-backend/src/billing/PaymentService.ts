import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, toError } from '@backstage/errors';
import { Invoice } from '@docuchat/backstage-plugin-docuchat-common';
import { PaymentGateway } from '@docuchat/backstage-plugin-docuchat-node';
import {
  InvoiceOutboxStore,
  InvoiceWork,
} from '../database/InvoiceOutboxStore';
import { InvoiceStore } from '../database/InvoiceStore';
import { TenantStore } from '../database/TenantStore';
import { renderInvoiceEmail } from './invoiceEmail';
import { InvoiceNotifier } from './InvoiceNotifier';

/** Sends one invoice email; see InvoiceMailer. */
export interface InvoiceEmailSender {
  send(
    to: string,
    invoiceId: string,
    email: ReturnType<typeof renderInvoiceEmail>,
    domain: string,
  ): Promise<void>;
}

export interface PaymentServiceOptions {
  invoices: InvoiceStore;
  outbox: InvoiceOutboxStore;
  tenants: TenantStore;
  gateway: PaymentGateway;
  mailer: InvoiceEmailSender;
  notifier: InvoiceNotifier;
  logger: LoggerService;
  callbackUrl: string;
  portalUrl: string;
  linkTtlMs: number;
  /** Parallel gateway calls and emails. Default 8. */
  concurrency?: number;
  now?: () => Date;
}

/** How a callback ended, for the log and the tests. */
export type CallbackOutcome =
  | 'paid'
  | 'already_paid'
  | 'failed'
  | 'pending'
  | 'busy'
  | 'rejected'
  | 'error';

/** A claim on a link or an email lasts this long; a dead backend's claim expires. */
const LEASE_MS = 120_000;

async function inParallel<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) await work(items[next++]);
    },
  );
  await Promise.all(workers);
}

/**
 * Payment links, payment verification and invoice emails. Every piece of
 * work is claimed in the database first (a lease), so two backends never
 * request the same link, verify the same payment or send the same email at
 * once, and a backend that dies holding a claim loses it when it expires.
 */
export class PaymentService {
  constructor(private readonly options: PaymentServiceOptions) {}

  private now() {
    return this.options.now?.() ?? new Date();
  }

  invoiceUrl(tenantId: string, invoiceId: string) {
    return `${this.options.portalUrl}/docuchat/tenants/${encodeURIComponent(
      tenantId,
    )}/invoices/${encodeURIComponent(invoiceId)}`;
  }

  /** Links, timed-out verifications, emails: everything still owed. */
  async finishPending(errors: string[], timings: Record<string, number> = {}) {
    await this.retryVerifications(errors);
    let started = performance.now();
    const linksCreated = await this.createLinks(errors);
    timings.links = performance.now() - started;
    started = performance.now();
    const emailsSent = await this.sendEmails(errors);
    timings.emails = performance.now() - started;
    return { linksCreated, emailsSent };
  }

  private async createLinks(errors: string[], invoiceId?: string) {
    const claimed = await this.options.outbox.claimForLinks({
      now: this.now(),
      linkTtlMs: this.options.linkTtlMs,
      leaseMs: LEASE_MS,
      invoiceId,
    });
    let created = 0;
    const failures: string[] = [];
    await inParallel(claimed, this.options.concurrency ?? 8, async invoice => {
      if (await this.requestLink(invoice, failures)) created++;
    });
    if (failures.length > 0) {
      errors.push(
        `payment links: ${failures.length} failed (the invoices stay issued and get a link on the next run), first: ${failures[0]}`,
      );
    }
    return created;
  }

  private async requestLink(invoice: InvoiceWork, failures: string[]) {
    const { outbox, gateway, tenants, logger } = this.options;
    try {
      const tenant = await tenants.get(invoice.tenantId);
      const link = await gateway.request({
        amountRials: invoice.amountRials,
        orderId: invoice.id,
        callbackUrl: this.options.callbackUrl,
        mobile: tenant?.mobile,
        description: `DocuChat ${invoice.tenantId} ${invoice.period}`,
      });
      await outbox.recordLink(invoice.id, link, this.now());
      return true;
    } catch (error) {
      const message = (error as Error).message;
      failures.push(`${invoice.id}: ${message}`);
      logger.warn(`No payment link for invoice ${invoice.id}: ${message}`);
      await outbox.recordLinkFailure(invoice.id, message);
      return false;
    }
  }

  /** The payer's "pay" button: the current link, or a fresh one. */
  async paymentLink(invoice: Invoice): Promise<Invoice> {
    if (!['issued', 'failed'].includes(invoice.status)) {
      throw new ConflictError(
        `Invoice ${invoice.id} is ${invoice.status}; it cannot be paid`,
      );
    }
    const errors: string[] = [];
    await this.createLinks(errors, invoice.id);
    const current = (await this.options.invoices.get(invoice.id))!;
    if (!current.payment.url || current.status !== 'issued') {
      throw new ConflictError(
        `No payment link for invoice ${invoice.id} yet: ${
          current.payment.error ?? 'another request is creating it'
        }`,
      );
    }
    return current;
  }

  private async sendEmails(errors: string[]) {
    const { outbox, tenants, mailer, logger } = this.options;
    const claimed = await outbox.claimForEmail({
      now: this.now(),
      leaseMs: LEASE_MS,
    });
    const domain = new URL(this.options.portalUrl).hostname || 'docuchat';
    let sent = 0;
    const failures: string[] = [];
    await inParallel(claimed, this.options.concurrency ?? 8, async invoice => {
      try {
        const tenant = await tenants.get(invoice.tenantId);
        if (!tenant?.contactEmail) {
          throw new Error(`tenant ${invoice.tenantId} has no contactEmail`);
        }
        await mailer.send(
          tenant.contactEmail,
          invoice.id,
          renderInvoiceEmail(
            invoice,
            tenant.displayName,
            this.invoiceUrl(invoice.tenantId, invoice.id),
          ),
          domain,
        );
        await outbox.recordEmailSent(invoice.id, this.now());
        sent++;
      } catch (error) {
        const message = (error as Error).message;
        failures.push(`${invoice.id}: ${message}`);
        logger.warn(`Invoice email ${invoice.id} not sent: ${message}`);
        await outbox.recordEmailFailure(invoice.id, message);
      }
    });
    if (failures.length > 0) {
      errors.push(
        `emails: ${failures.length} not sent (retried on the next run), first: ${failures[0]}`,
      );
    }
    return sent;
  }

  private async retryVerifications(errors: string[]) {
    for (const {
      id,
      trackId,
    } of await this.options.outbox.unverifiedPayments()) {
      const outcome = await this.verify(id, trackId);
      if (outcome === 'error') errors.push(`verify ${id}: still failing`);
    }
  }

  /**
   * The gateway's callback. Nothing it carries is trusted: the invoice is
   * found by the trackId we stored, and only verify (or inquiry, after a
   * 201) decides. Returns where to send the payer.
   */
  async handleCallback(query: Record<string, unknown>) {
    const { gateway, invoices, logger } = this.options;
    const callback = gateway.parseCallback(query);
    if (!callback) {
      logger.warn(
        `Payment callback rejected: no valid trackId in ${JSON.stringify(
          query,
        ).slice(0, 300)}`,
      );
      return {
        outcome: 'rejected' as const,
        redirect: `${this.options.portalUrl}/docuchat`,
      };
    }
    const invoice = await invoices.findByTrackId(callback.trackId);
    if (!invoice) {
      logger.warn(
        `Payment callback for unknown trackId ${callback.trackId} ignored`,
      );
      return {
        outcome: 'rejected' as const,
        redirect: `${this.options.portalUrl}/docuchat`,
      };
    }
    const redirect = this.invoiceUrl(invoice.tenantId, invoice.id);
    if (callback.orderId !== undefined && callback.orderId !== invoice.id) {
      logger.warn(
        `Payment callback for trackId ${callback.trackId} names order ${callback.orderId}, not ${invoice.id}; ignored`,
      );
      return { outcome: 'rejected' as const, redirect };
    }
    if (invoice.status === 'paid') {
      logger.info(
        `Payment callback replayed for paid invoice ${invoice.id}; nothing changes`,
      );
      return { outcome: 'already_paid' as const, redirect };
    }
    return {
      outcome: await this.verify(invoice.id, callback.trackId),
      redirect,
    };
  }

  /** Verifies one payment under the invoice's verification lock. */
  async verify(invoiceId: string, trackId: string): Promise<CallbackOutcome> {
    const { gateway, invoices, outbox, logger } = this.options;
    if (!(await outbox.claimVerification(invoiceId, this.now(), LEASE_MS))) {
      logger.info(`Invoice ${invoiceId} is being verified elsewhere`);
      return 'busy';
    }
    let error: string | undefined;
    try {
      const invoice = await invoices.get(invoiceId);
      if (!invoice || invoice.payment.trackId !== trackId) return 'rejected';
      if (invoice.status === 'paid') return 'already_paid';
      if (!['issued', 'failed'].includes(invoice.status)) {
        logger.warn(
          `Payment for invoice ${invoiceId} arrived while it is ${invoice.status}; not accepted`,
        );
        return 'rejected';
      }
      let result = await gateway.verify(trackId);
      if (result.state === 'already_verified') {
        result = await gateway.inquiry(trackId);
      }
      if (result.state === 'paid') {
        if (result.amountRials !== invoice.amountRials) {
          logger.error(
            `Payment ${trackId} of invoice ${invoiceId} verified ${result.amountRials} Rials, the invoice is ${invoice.amountRials}; not marked paid`,
          );
          error = `amount mismatch: gateway ${result.amountRials}, invoice ${invoice.amountRials}`;
          return 'rejected';
        }
        const paid = await outbox.markPaid(invoiceId, {
          trackId,
          paidAt: result.paidAt ? new Date(result.paidAt) : this.now(),
          refNumber: result.refNumber,
          cardNumber: result.cardNumber,
        });
        if (paid) {
          logger.info(`Invoice ${invoiceId} paid (${result.detail})`);
          await this.options.notifier.paid(invoice);
          return 'paid';
        }
        return 'already_paid';
      }
      if (result.state === 'failed') {
        await outbox.markPaymentFailed(
          invoiceId,
          trackId,
          `payment failed: ${result.detail}`,
        );
        logger.info(
          `Payment ${trackId} of invoice ${invoiceId} failed: ${result.detail}`,
        );
        return 'failed';
      }
      return 'pending';
    } catch (e) {
      // Timeouts and outages: nothing is marked; the next run verifies again.
      error = `verify failed: ${(e as Error).message}`;
      logger.warn(`Invoice ${invoiceId}: verify failed`, toError(e));
      return 'error';
    } finally {
      await outbox.releaseVerification(invoiceId, error);
    }
  }
}
