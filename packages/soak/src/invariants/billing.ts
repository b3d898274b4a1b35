import { dayInTimeZone } from '@docuchat/backstage-plugin-docuchat-common';
import { SoakRecord } from '../record';
import { formatNumber, InvariantResult } from './types';

/** At most one live (not void) invoice per tenant and billing day. */
export function checkInvoicesUnique(record: SoakRecord): InvariantResult {
  const breaches: string[] = [];
  const live = record.invoices.filter(i => i.status !== 'void');
  const byPeriod = new Map<string, string[]>();
  for (const invoice of live) {
    const key = `${invoice.tenant} ${invoice.period}`;
    byPeriod.set(key, [...(byPeriod.get(key) ?? []), invoice.id]);
  }
  for (const [key, ids] of byPeriod) {
    if (ids.length > 1) {
      breaches.push(`${key}: ${ids.length} live invoices (${ids.join(', ')})`);
    }
  }
  const byStatus = new Map<string, number>();
  for (const i of record.invoices) {
    byStatus.set(i.status, (byStatus.get(i.status) ?? 0) + 1);
  }
  return {
    name: 'invoices are unique per (tenant, period)',
    figures: [
      `${record.invoices.length} invoices over ${
        byPeriod.size
      } (tenant, period) pairs, ${
        record.billedDays.length
      } billed days; by status: ${[...byStatus]
        .sort()
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    ],
    breaches,
  };
}

/**
 * For every billed day, per tenant and model: the tokens on live invoices'
 * usage and adjustment lines equal the settled, billable ledger rows of
 * that day. Every day with seeded usage was billed.
 */
export function checkBilledEqualsLedger(record: SoakRecord): InvariantResult {
  const breaches: string[] = [];
  const billed = new Set(record.billedDays.map(d => d.day));
  const key = (tenant: string, day: string, model: string) =>
    `${day} ${tenant} ${model}`;
  const ledger = new Map<string, { prompt: number; completion: number }>();
  const seededDays = new Set<string>();
  for (const row of record.ledger) {
    const day = dayInTimeZone(new Date(row.occurredAt), record.timeZone);
    if (row.seeded) seededDays.add(day);
    if (!billed.has(day) || row.status !== 'settled' || !row.billable) continue;
    const k = key(row.tenant, day, row.model);
    const sum = ledger.get(k) ?? { prompt: 0, completion: 0 };
    sum.prompt += row.promptTokens;
    sum.completion += row.completionTokens;
    ledger.set(k, sum);
  }
  const live = new Set(
    record.invoices.filter(i => i.status !== 'void').map(i => i.id),
  );
  const lines = new Map<string, { prompt: number; completion: number }>();
  for (const line of record.invoiceLines) {
    if (!live.has(line.invoiceId) || !line.usageDay || !line.model) continue;
    if (line.kind !== 'usage' && line.kind !== 'adjustment') continue;
    const k = key(line.tenant, line.usageDay, line.model);
    const sum = lines.get(k) ?? { prompt: 0, completion: 0 };
    sum.prompt += line.promptTokens;
    sum.completion += line.completionTokens;
    lines.set(k, sum);
  }
  let ledgerTokens = 0;
  let billedTokens = 0;
  for (const k of new Set([...ledger.keys(), ...lines.keys()])) {
    const l = ledger.get(k) ?? { prompt: 0, completion: 0 };
    const b = lines.get(k) ?? { prompt: 0, completion: 0 };
    ledgerTokens += l.prompt + l.completion;
    billedTokens += b.prompt + b.completion;
    if (l.prompt !== b.prompt || l.completion !== b.completion) {
      breaches.push(
        `${k}: billed ${b.prompt}+${b.completion} tokens, the ledger holds ${l.prompt}+${l.completion}`,
      );
    }
  }
  for (const day of [...seededDays].sort()) {
    if (!billed.has(day))
      breaches.push(`${day} has usage but was never billed`);
  }
  const adjustments = record.invoiceLines.filter(l => l.kind === 'adjustment');
  return {
    name: 'billed tokens = settled billable ledger tokens, every billed day',
    figures: [
      `${billed.size} billed days, ${
        ledger.size
      } (day, tenant, model) sums: ledger ${formatNumber(
        ledgerTokens,
      )} tokens, invoice lines ${formatNumber(billedTokens)} tokens (${
        adjustments.length
      } adjustment lines for late usage, ${
        record.invoiceLines.filter(l => l.kind === 'carried').length
      } carried lines)`,
    ],
    breaches,
  };
}

/**
 * No invoice is paid without a verified payment of its exact amount, and
 * no payment is lost: every payment made for an invoice's exact amount
 * ended verified, with that invoice paid through it.
 */
export function checkPayments(record: SoakRecord): InvariantResult {
  const breaches: string[] = [];
  const byTrack = new Map(record.payments.map(p => [p.trackId, p]));
  const invoices = new Map(record.invoices.map(i => [i.id, i]));
  for (const invoice of record.invoices.filter(i => i.status === 'paid')) {
    const payment = invoice.trackId ? byTrack.get(invoice.trackId) : undefined;
    if (!payment) {
      breaches.push(
        `invoice ${invoice.id} is paid with trackId ${invoice.trackId}, which Zibal does not know`,
      );
    } else if (!payment.verified || payment.amount !== invoice.amountRials) {
      breaches.push(
        `invoice ${invoice.id} (${
          invoice.amountRials
        } Rials) is paid, its payment ${payment.trackId} is ${
          payment.verified ? 'verified' : 'not verified'
        } for ${payment.amount} Rials`,
      );
    }
  }
  let made = 0;
  for (const payment of record.payments) {
    const invoice = payment.orderId ? invoices.get(payment.orderId) : undefined;
    const paidByPayer = payment.status === 1 || payment.status === 2;
    if (!paidByPayer || !invoice || payment.amount !== invoice.amountRials) {
      continue;
    }
    made++;
    if (
      !payment.verified ||
      invoice.status !== 'paid' ||
      invoice.trackId !== payment.trackId
    ) {
      breaches.push(
        `payment ${payment.trackId} of ${payment.amount} Rials for invoice ${
          invoice.id
        } was lost: ${
          payment.verified ? 'verified' : 'never verified'
        }, invoice ${invoice.status} with trackId ${invoice.trackId}`,
      );
    }
  }
  const actions = new Map<string, number[]>();
  for (const a of record.paymentActions) {
    actions.set(a.kind, [...(actions.get(a.kind) ?? []), a.status]);
  }
  return {
    name: 'no invoice paid without a verified payment of its exact amount; no payment lost',
    figures: [
      `${
        record.payments.length
      } payment links, ${made} paid by the payer for the exact amount, ${
        record.invoices.filter(i => i.status === 'paid').length
      } invoices paid`,
      `callbacks: ${[...actions]
        .sort()
        .map(([kind, statuses]) => `${kind} ${statuses.length}`)
        .join(', ')}; answers ${summarize(
        record.paymentActions.map(a => a.status),
      )}`,
    ],
    breaches,
  };
}

function summarize(statuses: number[]) {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
}
