import { Invoice } from '@docuchat/backstage-plugin-docuchat-common';

/** An invoice's tokens: the sum of its lines (undefined when not listed). */
export function invoiceTokens(invoice: Invoice): number | undefined {
  if (!invoice.lines) return undefined;
  return invoice.lines.reduce(
    (sum, line) => sum + line.promptTokens + line.completionTokens,
    0,
  );
}

/** An invoice can be paid while issued (or after a failed payment). */
export function isPayable(invoice: Invoice): boolean {
  return invoice.status === 'issued' || invoice.status === 'failed';
}
