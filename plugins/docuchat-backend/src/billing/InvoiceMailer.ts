import nodemailer, { Transporter } from 'nodemailer';
import { InvoiceEmail } from './invoiceEmail';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
}

/** Sends invoice emails over SMTP, through one pooled connection set. */
export class InvoiceMailer {
  readonly #transport: Transporter;

  constructor(private readonly from: string, smtp: SmtpSettings) {
    this.#transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
      pool: true,
      maxConnections: 4,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  /**
   * `invoiceId` makes the Message-ID: should a send be repeated after a
   * crash between the server's acceptance and our record of it, mail
   * clients show the same message once.
   */
  async send(
    to: string,
    invoiceId: string,
    email: InvoiceEmail,
    domain: string,
  ) {
    await this.#transport.sendMail({
      from: this.from,
      to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: `<invoice-${invoiceId}@${domain}>`,
    });
  }

  close() {
    this.#transport.close();
  }
}
