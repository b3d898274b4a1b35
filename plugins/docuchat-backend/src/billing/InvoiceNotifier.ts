import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { InvoiceStatus } from '@docuchat/backstage-plugin-docuchat-common';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { TenantStore } from '../database/TenantStore';
import { rialsToTomans } from '../usage/UsagePricing';

/**
 * Tells a tenant's owner, through Backstage notifications, that an invoice
 * was issued or paid. Best effort: a failed notice is logged, never undoes
 * billing.
 */
export class InvoiceNotifier {
  constructor(
    private readonly options: {
      notifications?: NotificationService;
      tenants: TenantStore;
      logger: LoggerService;
    },
  ) {}

  private link(tenantId: string, invoiceId: string) {
    return `/docuchat/tenants/${encodeURIComponent(
      tenantId,
    )}/invoices/${encodeURIComponent(invoiceId)}`;
  }

  private async send(
    tenantId: string,
    invoiceId: string,
    title: string,
    description: string,
  ) {
    const notifications = this.options.notifications;
    if (!notifications) return;
    try {
      const tenant = await this.options.tenants.get(tenantId);
      if (!tenant) return;
      await notifications.send({
        recipients: { type: 'entity', entityRef: tenant.ownerRef },
        payload: {
          title,
          description,
          link: this.link(tenantId, invoiceId),
          severity: 'normal',
          topic: 'docuchat-billing',
          scope: `docuchat-invoice:${invoiceId}`,
        },
      });
    } catch (error) {
      this.options.logger.warn(
        `Could not notify the owner of tenant ${tenantId} about invoice ${invoiceId}`,
        toError(error),
      );
    }
  }

  async issued(
    invoices: Array<{
      id: string;
      tenantId: string;
      status: InvoiceStatus;
      amountRials: number;
    }>,
  ) {
    for (const invoice of invoices) {
      if (invoice.status !== 'issued') continue;
      await this.send(
        invoice.tenantId,
        invoice.id,
        `DocuChat invoice issued: ${rialsToTomans(invoice.amountRials)} Tomans`,
        `A new invoice for tenant ${invoice.tenantId} is ready to pay.`,
      );
    }
  }

  async paid(invoice: { id: string; tenantId: string; amountRials: number }) {
    await this.send(
      invoice.tenantId,
      invoice.id,
      `DocuChat invoice paid: ${rialsToTomans(invoice.amountRials)} Tomans`,
      `Invoice ${invoice.id} of tenant ${invoice.tenantId} was paid.`,
    );
  }
}
