import { LedgerRow, ProcessRecord, SoakRecord } from '../record';
import { formatNumber, InvariantResult } from './types';

/**
 * A row's settled_at is taken before its write commits and its counter
 * moves after; a write may wait this long for a connection (PostgreSQL
 * outage). Rows settled this long before a process's last scrape may still
 * have been missing from it.
 */
export const SCRAPE_MARGIN_MS = 30_000;

/**
 * `openai_tokens_total`, summed over every process of the run, equals the
 * ledger. Counters live in a process and die with it, so "summed" is: each
 * process's last scrape (taken every 2 s and right before the soak signals
 * it, and after the load for the survivors). What a process counted after
 * its last scrape is lost with it, and only that. So, per tenant, model and
 * direction, with L the settled ledger tokens of the load's calls and C the
 * sum of last scrapes:
 *
 *   C ≤ L                      nothing counted twice or without a row;
 *   L − C ≤ U                  the gap is explained by U: tokens of rows
 *                              that a process which later died may have
 *                              settled between (its last scrape − margin)
 *                              and its exit, i.e. rows of asks it served,
 *                              of documents it embedded, or swept while it
 *                              lived.
 *
 * With no process ended by a signal or a crash, U = 0 and C = L exactly.
 */
export function checkCountersMatchLedger(record: SoakRecord): InvariantResult {
  const breaches: string[] = [];
  const key = (tenant: string, model: string, direction: string) =>
    `${tenant} ${model} ${direction}`;
  const add = (map: Map<string, number>, k: string, n: number) => {
    if (n > 0) map.set(k, (map.get(k) ?? 0) + n);
  };

  const counted = new Map<string, number>();
  for (const p of record.processes) {
    for (const t of p.lastScrape?.tokens ?? []) {
      add(counted, key(t.tenant, t.model, t.direction), t.value);
    }
  }

  // Which processes may have settled a row.
  const servedBy = new Map<string, string>();
  for (const a of record.asks)
    if (a.instance) servedBy.set(a.requestId, a.instance);
  const embeddedBy = new Map<string, Set<string>>();
  for (const c of record.openAiCalls) {
    for (const tag of c.documentTags ?? []) {
      const set = embeddedBy.get(tag) ?? new Set<string>();
      set.add(c.instance);
      embeddedBy.set(tag, set);
    }
  }
  const tagOf = new Map(record.documents.map(d => [d.id, d.title]));
  const swept = (row: LedgerRow) =>
    row.estimated &&
    row.settledAt !== undefined &&
    row.settledAt - row.occurredAt >= record.abandonedCallMs;
  const mayHaveSettled = (row: LedgerRow, p: ProcessRecord) => {
    if (swept(row)) return true; // the sweep runs on any replica
    const askId = /^(soakq-[^:]+):/.exec(row.requestId)?.[1];
    if (askId) {
      const instance = servedBy.get(askId);
      return instance === undefined || instance === p.instance;
    }
    const tag = row.documentId ? tagOf.get(row.documentId) : undefined;
    const instances = tag ? embeddedBy.get(tag) : undefined;
    return instances === undefined || instances.has(p.instance);
  };

  const ledger = new Map<string, number>();
  const unexplained = new Map<string, number>();
  const dead = record.processes.filter(
    p => p.stoppedBy !== 'end' && p.exitedAt !== undefined,
  );
  for (const row of record.ledger) {
    if (row.seeded || row.status !== 'settled') continue;
    const tokens = [
      ['prompt', row.promptTokens],
      ['completion', row.completionTokens],
    ] as const;
    for (const [direction, n] of tokens) {
      add(ledger, key(row.tenant, row.model, direction), n);
    }
    const inBlindWindow = dead.some(
      p =>
        row.settledAt !== undefined &&
        row.settledAt >= (p.lastScrape?.at ?? p.startedAt) - SCRAPE_MARGIN_MS &&
        row.settledAt <= p.exitedAt! &&
        mayHaveSettled(row, p),
    );
    if (inBlindWindow) {
      for (const [direction, n] of tokens) {
        add(unexplained, key(row.tenant, row.model, direction), n);
      }
    }
  }

  let l = 0;
  let c = 0;
  let u = 0;
  for (const k of new Set([...ledger.keys(), ...counted.keys()])) {
    const lk = ledger.get(k) ?? 0;
    const ck = counted.get(k) ?? 0;
    const uk = unexplained.get(k) ?? 0;
    l += lk;
    c += ck;
    u += uk;
    if (ck > lk) {
      breaches.push(
        `${k}: the counters hold ${ck} tokens, the ledger ${lk}: counted twice or without a row`,
      );
    } else if (lk - ck > uk) {
      breaches.push(
        `${k}: the ledger holds ${lk} tokens, the counters ${ck}; only ${uk} were settled where a dying process could have taken them along`,
      );
    }
  }
  const failed = record.processes.flatMap(p => p.failedScrapes ?? []);
  const failedInFaults = new Map<string, number>();
  for (const at of failed) {
    const kind =
      record.faults.find(f => at >= f.start && at <= f.end)?.kind ?? 'no fault';
    failedInFaults.set(kind, (failedInFaults.get(kind) ?? 0) + 1);
  }
  return {
    name: '/metrics counters summed over the processes equal the ledger',
    figures: [
      `${failed.length} scrapes of a live process failed${
        failed.length > 0
          ? ` (${[...failedInFaults]
              .map(([kind, n]) => `${n} during ${kind}`)
              .join(', ')})`
          : ''
      }`,
      `${record.processes.length} processes, ${dead.length} ended by a signal or a crash before the end`,
      `ledger ${formatNumber(
        l,
      )} tokens (settled, the load's calls); last scrapes summed ${formatNumber(
        c,
      )}; gap ${formatNumber(l - c)} (${
        l > 0 ? ((100 * (l - c)) / l).toFixed(2) : '0'
      } %), at most ${formatNumber(
        u,
      )} settled in the blind windows of processes that died`,
    ],
    breaches,
  };
}
