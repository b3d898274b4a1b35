import { InvoiceLine } from '@docuchat/backstage-plugin-docuchat-common';
import { BilledLineSums, UncarriedInvoice } from '../database/InvoiceStore';
import { costAtPrice, TokenCounts, UsagePricing } from '../usage/UsagePricing';

/*
 * Pricing of invoice lines: what a day's usage costs, what usage that
 * settled after its day was billed adds, and what an unpaid invoice carries
 * into the next. The stores only keep the lines.
 */

/** A usage line: one model's tokens of a day at today's price. */
export function usageLine(
  day: string,
  usage: TokenCounts,
  pricing: UsagePricing,
): InvoiceLine {
  const price = pricing.priceOf(usage.model);
  return {
    kind: 'usage',
    usageDay: day,
    model: usage.model,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    ...price,
    amountRials: costAtPrice(price, usage),
  };
}

/**
 * The ledger's sums of a tenant's day minus what live invoices billed of
 * them, per model. A model billed before keeps the price frozen on its
 * earlier lines, and the line is the whole day's cost at that price minus
 * what was billed, so adjustment plus earlier lines equal the whole day's
 * cost, rounding included. Lines with nothing new are left out.
 */
export function unbilledLines(
  day: string,
  current: TokenCounts[],
  billed: BilledLineSums[],
  pricing: UsagePricing,
): InvoiceLine[] {
  const lines: InvoiceLine[] = [];
  for (const sums of current) {
    const earlier = billed.filter(line => line.model === sums.model);
    const sum = (pick: (line: BilledLineSums) => number) =>
      earlier.reduce((total, line) => total + pick(line), 0);
    const promptTokens = sums.promptTokens - sum(line => line.promptTokens);
    const completionTokens =
      sums.completionTokens - sum(line => line.completionTokens);
    if (promptTokens <= 0 && completionTokens <= 0) continue;
    const frozen = earlier[0];
    const price = frozen
      ? {
          promptRialsPer1kTokens: frozen.promptRialsPer1kTokens,
          completionRialsPer1kTokens: frozen.completionRialsPer1kTokens,
        }
      : pricing.priceOf(sums.model);
    const amount = frozen
      ? costAtPrice(price, sums) - sum(line => line.amountRials)
      : costAtPrice(price, sums);
    lines.push({
      kind: 'usage',
      usageDay: day,
      model: sums.model,
      promptTokens: Math.max(promptTokens, 0),
      completionTokens: Math.max(completionTokens, 0),
      ...price,
      amountRials: Math.max(amount, 0),
    });
  }
  return lines;
}

/** The line that carries an earlier carried or expired invoice's amount. */
export function carriedLine(source: UncarriedInvoice): InvoiceLine {
  return {
    kind: 'carried',
    promptTokens: 0,
    completionTokens: 0,
    promptRialsPer1kTokens: 0,
    completionRialsPer1kTokens: 0,
    amountRials: source.amountRials,
    sourceInvoiceId: source.id,
  };
}
