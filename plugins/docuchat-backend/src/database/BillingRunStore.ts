import {
  BillingDriftReport,
  BillingRun,
} from '@docuchat/backstage-plugin-docuchat-common';
import { StoreTransaction } from './StoreTransaction';

/** A run as it starts: who asked for which days. */
export interface NewBillingRun {
  id: string;
  trigger: BillingRun['trigger'];
  requestedBy?: string;
  from: string;
  to: string;
  now: Date;
}

/** What a finished run reports; see {@link BillingRunStore.finishRun}. */
export type BillingRunResult = Omit<
  BillingRun,
  'id' | 'trigger' | 'requestedBy' | 'from' | 'to' | 'startedAt'
>;

/**
 * Billing runs and billed days. A day is billed once: its row is written in
 * the same transaction as its invoices (`tx`, see
 * InvoiceStore.inBillingTransaction).
 */
export interface BillingRunStore {
  /** When billing was installed: the first billable day by default. */
  installedAt(): Promise<Date>;
  /** The latest billed day, if any. */
  lastBilledDay(): Promise<string | undefined>;
  isBilled(day: string, tx?: StoreTransaction): Promise<boolean>;
  markBilled(
    tx: StoreTransaction,
    billed: { day: string; runId: string; now: Date },
  ): Promise<void>;
  /** When the latest day was billed (late usage is looked for since then). */
  lastBilledAt(tx: StoreTransaction): Promise<Date | undefined>;
  /** Those of `days` that are billed. */
  billedAmong(tx: StoreTransaction, days: string[]): Promise<Set<string>>;

  startRun(run: NewBillingRun): Promise<void>;
  finishRun(id: string, result: BillingRunResult): Promise<void>;
  getRun(id: string): Promise<BillingRun | undefined>;
  listRuns(page: { limit: number; offset: number }): Promise<BillingRun[]>;
  lastSuccessfulRunAt(): Promise<Date | undefined>;
  latestDrift(): Promise<BillingDriftReport | undefined>;
}
