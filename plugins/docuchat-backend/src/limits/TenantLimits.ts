import { Tenant } from '@docuchat/backstage-plugin-docuchat-common';
import { WriteBatch } from '../database/WriteBatch';
import { UsageLedger } from '../usage/UsageLedger';
import { billingDayOf, billingDayRange } from '../usage/billingDays';
import { DatabaseRateWindows } from './DatabaseRateWindows';
import { LimitExceededError } from './LimitExceededError';
import { LimitsConfig } from './readLimitsConfig';

const MINUTE = 60_000;

/**
 * Per-tenant limits, counted across replicas: questions per minute (database
 * windows) and tokens per billing day (the usage ledger: every row of the
 * day, whatever its billing state). Checked before the work starts, so
 * answers already running may take a tenant a little over its budget.
 */
export class TenantLimits {
  constructor(
    private readonly options: {
      config: LimitsConfig;
      ledger: UsageLedger;
      windows: DatabaseRateWindows;
      now?: () => Date;
      /**
       * Told the budget in force for a tenant at each check (undefined: no
       * budget), so the budget gauge the over-budget alert compares with
       * follows per-tenant overrides.
       */
      reportBudget?: (tenantId: string, tokens: number | undefined) => void;
    },
  ) {}

  /**
   * Before a question: the rate limit, then the budget. The question is
   * counted in `batch` when given (with the question's other first writes;
   * this settles once the batch was sent), else now.
   */
  async beforeAsk(tenant: Tenant, batch?: WriteBatch): Promise<void> {
    const limit = this.options.config.asksPerTenantPerMinute;
    if (limit > 0) {
      const now = this.now();
      const { count, windowEnd } = await this.options.windows.hit(
        `ask:${tenant.id}`,
        MINUTE,
        now,
        batch,
      );
      if (count > limit) {
        throw new LimitExceededError(
          `Tenant ${tenant.id} may ask ${limit} questions per minute; try again later`,
          secondsUntil(windowEnd, now),
        );
      }
    }
    await this.checkBudget(tenant);
  }

  /** Before any work that spends tokens: 429 once the day's budget is used. */
  async checkBudget(tenant: Tenant): Promise<void> {
    const budget =
      tenant.dailyTokenBudget ?? this.options.config.dailyTokenBudget;
    this.options.reportBudget?.(tenant.id, budget);
    if (budget === undefined) return;
    const now = this.now();
    const timeZone = this.options.config.billingTimeZone;
    const day = billingDayRange(billingDayOf(now, timeZone), timeZone);
    const used = await this.tokensUsed(tenant.id, day);
    if (used >= budget) {
      throw new LimitExceededError(
        `Tenant ${
          tenant.id
        } has used ${used} tokens of its daily budget of ${budget} tokens (billing day in ${
          this.options.config.billingTimeZone
        }); the budget renews at ${day.end.toISOString()}`,
        secondsUntil(day.end, now),
      );
    }
  }

  private async tokensUsed(tenantId: string, day: { start: Date; end: Date }) {
    const sums = await this.options.ledger.sumByTenant({
      tenantId,
      from: day.start,
      to: day.end,
    });
    return sums.reduce(
      (total, sum) => total + sum.promptTokens + sum.completionTokens,
      0,
    );
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }
}

function secondsUntil(end: Date, now: Date) {
  return Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
}
