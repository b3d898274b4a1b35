import { Knex } from 'knex';
import { SoakRecord } from '../record';
import { sleep } from '../servers/run';

const time = (value: unknown) =>
  value === null || value === undefined
    ? undefined
    : new Date(value as string | Date).getTime();

/** The rows the invariants are about, into the record. */
export async function readDatabase(db: Knex, record: SoakRecord) {
  record.ledger = (await db('docuchat_usage').select()).map(row => ({
    requestId: row.request_id,
    tenant: row.tenant_id,
    model: row.model,
    operation: row.operation,
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    estimated: Boolean(row.estimated),
    status: row.status,
    occurredAt: time(row.occurred_at)!,
    settledAt: time(row.settled_at),
    billable: Boolean(row.billable),
    documentId: row.document_id ?? undefined,
    seeded: String(row.request_id).startsWith('soak-seed:'),
  }));
  record.documents = (await db('docuchat_documents').select()).map(row => ({
    id: row.id,
    tenant: row.tenant_id,
    title: row.title,
    status: row.status,
    error: row.error ?? undefined,
    attempts: Number(row.attempts ?? 0),
  }));
  record.invoices = (await db('docuchat_invoices').select()).map(row => ({
    id: row.id,
    tenant: row.tenant_id,
    period: row.period,
    status: row.status,
    amountRials: Number(row.amount_rials),
    trackId: row.track_id ?? undefined,
  }));
  record.invoiceLines = (await db('docuchat_invoice_lines').select()).map(
    row => ({
      invoiceId: row.invoice_id,
      tenant: row.tenant_id,
      kind: row.kind,
      usageDay: row.usage_day ?? undefined,
      model: row.model ?? undefined,
      promptTokens: Number(row.prompt_tokens),
      completionTokens: Number(row.completion_tokens),
    }),
  );
  record.billedDays = (await db('docuchat_billing_days').select()).map(row => ({
    day: row.day,
    billedAt: time(row.billed_at)!,
  }));
}

/**
 * Waits until no model call is pending and no document queued or
 * processing, or `timeoutMs` passed (the invariants then name what is
 * stuck). Returns how long it took.
 */
export async function waitForQuiet(
  db: Knex,
  timeoutMs: number,
  log: (line: string) => void,
) {
  const start = Date.now();
  let last = '';
  for (;;) {
    const counts = await Promise.all([
      db('docuchat_usage').where('status', 'pending').count({ n: '*' }),
      db('docuchat_documents')
        .whereIn('status', ['queued', 'processing'])
        .count({ n: '*' }),
    ]).catch(() => undefined);
    const pending = Number(counts?.[0][0].n ?? -1);
    const busy = Number(counts?.[1][0].n ?? -1);
    if (pending === 0 && busy === 0) return Date.now() - start;
    const now = `${pending} ledger rows pending, ${busy} documents queued or processing`;
    if (now !== last) log(`  waiting: ${now}`);
    last = now;
    if (Date.now() - start > timeoutMs) return Date.now() - start;
    await sleep(1000);
  }
}
