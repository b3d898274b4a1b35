import {
  ModelUsageTotal,
  TenantUsageSummary,
  UsageGrandTotal,
} from '@docuchat/backstage-plugin-docuchat-common';
import { TenantModelUsage } from './UsageLedger';
import { rialsToTomans, UsagePricing } from './UsagePricing';

/** One model's ledger sums as a priced line. */
export function priceModelUsage(
  pricing: UsagePricing,
  usage: Omit<TenantModelUsage, 'tenantId'>,
): ModelUsageTotal {
  const costRials = pricing.costRials(usage);
  return {
    model: usage.model,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    calls: usage.calls,
    costRials,
    costTomans: rialsToTomans(costRials),
    price: pricing.priceOf(usage.model),
  };
}

function safeSum(values: number[]): number {
  const sum = values.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(sum)) {
    throw new Error(`Usage sum ${sum} is not a safe integer`);
  }
  return sum;
}

/** Sums of priced lines; the cost is the sum of the rounded line costs. */
export function grandTotal(
  lines: Array<Omit<UsageGrandTotal, 'tokens' | 'costTomans'>>,
): UsageGrandTotal {
  const promptTokens = safeSum(lines.map(l => l.promptTokens));
  const completionTokens = safeSum(lines.map(l => l.completionTokens));
  const costRials = safeSum(lines.map(l => l.costRials));
  return {
    promptTokens,
    completionTokens,
    tokens: safeSum([promptTokens, completionTokens]),
    calls: safeSum(lines.map(l => l.calls)),
    costRials,
    costTomans: rialsToTomans(costRials),
  };
}

/**
 * Ledger sums (sorted by tenant, then model, as the ledger returns them) as
 * one priced summary per tenant, in the same order.
 */
export function summarizeTenants(
  pricing: UsagePricing,
  rows: TenantModelUsage[],
): TenantUsageSummary[] {
  const byTenant = new Map<string, ModelUsageTotal[]>();
  for (const { tenantId, ...usage } of rows) {
    const lines = byTenant.get(tenantId) ?? [];
    lines.push(priceModelUsage(pricing, usage));
    byTenant.set(tenantId, lines);
  }
  return [...byTenant].map(([tenantId, models]) => ({
    tenantId,
    models,
    total: grandTotal(models),
  }));
}
