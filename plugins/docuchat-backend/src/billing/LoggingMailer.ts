import { LoggerService } from '@backstage/backend-plugin-api';
import { InvoiceEmail } from './invoiceEmail';
import { InvoiceEmailSender } from './PaymentService';

/**
 * The development catch-all: with no `docuchat.billing.email.smtp.host`,
 * invoice emails are logged instead of sent.
 */
export class LoggingMailer implements InvoiceEmailSender {
  constructor(private readonly logger: LoggerService) {}

  async send(to: string, invoiceId: string, email: InvoiceEmail) {
    this.logger.info(
      `Invoice email ${invoiceId} to ${to} (not sent: no SMTP configured): ${email.subject}`,
    );
  }
}
