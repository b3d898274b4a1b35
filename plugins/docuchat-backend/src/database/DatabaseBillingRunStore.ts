import {
  BillingDriftReport,
  BillingRun,
} from '@docuchat/backstage-plugin-docuchat-common';
import { Knex } from 'knex';
import {
  BillingRunResult,
  BillingRunStore,
  NewBillingRun,
} from './BillingRunStore';
import { dbTimeWriter, fromDbTime } from './dialect';
import { optionalTime, toNumber } from './invoiceRows';
import { knexIn, StoreTransaction } from './StoreTransaction';

const DAYS = 'docuchat_billing_days';
const RUNS = 'docuchat_billing_runs';

function toRun(row: any): BillingRun {
  return {
    id: row.id,
    trigger: row.trigger,
    requestedBy: row.requested_by ?? undefined,
    from: row.from_day,
    to: row.to_day,
    outcome: row.outcome,
    startedAt: fromDbTime(row.started_at),
    finishedAt: optionalTime(row.finished_at),
    daysBilled: toNumber(row.days_billed),
    invoicesIssued: toNumber(row.invoices_issued),
    invoicesCarried: toNumber(row.invoices_carried),
    billedRials: toNumber(row.billed_rials),
    linksCreated: toNumber(row.links_created),
    emailsSent: toNumber(row.emails_sent),
    errors: JSON.parse(row.errors ?? '[]'),
    drift: row.drift ? JSON.parse(row.drift) : undefined,
  };
}

/** Billing runs and billed days in the plugin's database. */
export class DatabaseBillingRunStore implements BillingRunStore {
  private readonly time: (date: Date) => Date | number;

  constructor(private readonly db: Knex) {
    this.time = dbTimeWriter(db, 'The billing run store');
  }

  async installedAt(): Promise<Date> {
    const row = await this.db('docuchat_billing_state')
      .where({ id: 1 })
      .first();
    return new Date(fromDbTime(row.installed_at));
  }

  async lastBilledDay(): Promise<string | undefined> {
    const row = await this.db(DAYS).max({ day: 'day' }).first();
    return row?.day ?? undefined;
  }

  async isBilled(day: string, tx?: StoreTransaction): Promise<boolean> {
    return Boolean(await knexIn(this.db, tx)(DAYS).where({ day }).first());
  }

  async markBilled(
    tx: StoreTransaction,
    billed: { day: string; runId: string; now: Date },
  ) {
    await knexIn(
      this.db,
      tx,
    )(DAYS).insert({
      day: billed.day,
      run_id: billed.runId,
      billed_at: this.time(billed.now),
    });
  }

  async lastBilledAt(tx: StoreTransaction) {
    const last = await knexIn(this.db, tx)(DAYS)
      .max({ at: 'billed_at' })
      .first();
    return last?.at ? new Date(fromDbTime(last.at)) : undefined;
  }

  async billedAmong(tx: StoreTransaction, days: string[]) {
    const rows = await knexIn(this.db, tx)(DAYS)
      .whereIn('day', days)
      .select('day');
    return new Set(rows.map((row: any) => row.day as string));
  }

  async startRun(run: NewBillingRun) {
    await this.db(RUNS).insert({
      id: run.id,
      trigger: run.trigger,
      requested_by: run.requestedBy ?? null,
      from_day: run.from,
      to_day: run.to,
      outcome: 'running',
      started_at: this.time(run.now),
    });
  }

  async finishRun(id: string, result: BillingRunResult) {
    await this.db(RUNS)
      .where({ id })
      .update({
        outcome: result.outcome,
        finished_at: result.finishedAt
          ? this.time(new Date(result.finishedAt))
          : null,
        days_billed: result.daysBilled,
        invoices_issued: result.invoicesIssued,
        invoices_carried: result.invoicesCarried,
        billed_rials: result.billedRials,
        links_created: result.linksCreated,
        emails_sent: result.emailsSent,
        errors: JSON.stringify(result.errors),
        drift: result.drift ? JSON.stringify(result.drift) : null,
      });
  }

  async getRun(id: string) {
    const row = await this.db(RUNS).where({ id }).first();
    return row ? toRun(row) : undefined;
  }

  async listRuns(page: { limit: number; offset: number }) {
    const rows = await this.db(RUNS)
      .orderBy('started_at', 'desc')
      .limit(page.limit)
      .offset(page.offset);
    return rows.map(toRun);
  }

  async lastSuccessfulRunAt() {
    const row = await this.db(RUNS)
      .max({ at: 'finished_at' })
      .where('outcome', 'succeeded')
      .first();
    return row?.at ? new Date(fromDbTime(row.at)) : undefined;
  }

  async latestDrift(): Promise<BillingDriftReport | undefined> {
    const row = await this.db(RUNS)
      .select('drift')
      .whereNotNull('drift')
      .orderBy('started_at', 'desc')
      .first();
    return row?.drift ? JSON.parse(row.drift) : undefined;
  }
}
