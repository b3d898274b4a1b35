import { InvoiceWork } from '../database/InvoiceOutboxStore';
import { rialsToTomans } from '../usage/UsagePricing';

/** An invoice email: both languages in one message, Persian first. */
export interface InvoiceEmail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

function tomans(rials: number, locale: 'fa-IR' | 'en-US') {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(
    rialsToTomans(rials),
  );
}

function lineLabel(line: InvoiceWork['lines'][number], persian: boolean) {
  if (line.kind === 'carried') {
    return persian
      ? `انتقال از صورت‌حساب ${line.sourceInvoiceId}`
      : `Carried from invoice ${line.sourceInvoiceId}`;
  }
  if (line.kind === 'adjustment') {
    return persian
      ? `اصلاحیه مصرف روز ${line.usageDay} — ${line.model}`
      : `Adjustment for ${line.usageDay} — ${line.model}`;
  }
  return line.model ?? '';
}

/**
 * The email of an issued invoice: period, tokens per model, the amount in
 * Tomans and the payment link, in Persian (right to left) and English.
 */
export function renderInvoiceEmail(
  invoice: InvoiceWork,
  tenantName: string,
  invoiceUrl: string,
): InvoiceEmail {
  const fa = (n: number) => new Intl.NumberFormat('fa-IR').format(n);
  const en = (n: number) => new Intl.NumberFormat('en-US').format(n);
  const link = invoice.paymentUrl ?? '';
  const faLines = invoice.lines.map(
    line =>
      `${lineLabel(line, true)}: ${fa(line.promptTokens)} توکن ورودی، ${fa(
        line.completionTokens,
      )} توکن خروجی — ${tomans(line.amountRials, 'fa-IR')} تومان`,
  );
  const enLines = invoice.lines.map(
    line =>
      `${lineLabel(line, false)}: ${en(line.promptTokens)} prompt tokens, ${en(
        line.completionTokens,
      )} completion tokens — ${tomans(line.amountRials, 'en-US')} Tomans`,
  );
  const faText = [
    `صورت‌حساب DocuChat برای ${tenantName}`,
    `دوره: ${invoice.period}`,
    ...faLines,
    `مبلغ قابل پرداخت: ${tomans(invoice.amountRials, 'fa-IR')} تومان`,
    `پرداخت: ${link}`,
    `صورت‌حساب: ${invoiceUrl}`,
  ];
  const enText = [
    `DocuChat invoice for ${tenantName}`,
    `Period: ${invoice.period}`,
    ...enLines,
    `Amount due: ${tomans(invoice.amountRials, 'en-US')} Tomans (${en(
      invoice.amountRials,
    )} Rials)`,
    `Pay: ${link}`,
    `Invoice: ${invoiceUrl}`,
  ];
  const block = (lines: string[], dir: 'rtl' | 'ltr', lang: string) =>
    `<div dir="${dir}" lang="${lang}">${lines
      .map(line => `<p>${escapeHtml(line)}</p>`)
      .join('')}<p><a href="${escapeHtml(link)}">${
      dir === 'rtl' ? 'پرداخت' : 'Pay now'
    }</a></p></div>`;
  return {
    subject: `صورت‌حساب DocuChat ${invoice.period} / DocuChat invoice ${invoice.period}`,
    text: `${faText.join('\n')}\n\n----\n\n${enText.join('\n')}\n`,
    html: `<!doctype html><html><body>${block(faText, 'rtl', 'fa')}<hr>${block(
      enText,
      'ltr',
      'en',
    )}</body></html>`,
  };
}
