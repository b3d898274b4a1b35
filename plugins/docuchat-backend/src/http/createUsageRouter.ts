import {
  createUsageQuerySchema,
  createUsageSummaryQuerySchema,
  docuchatOperationsReadPermission,
  docuchatUsageReadPermission,
  TenantUsageResponse,
  UsageSummaryResponse,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import { UsageLedger } from '../usage/UsageLedger';
import { UsagePricing } from '../usage/UsagePricing';
import {
  grandTotal,
  priceModelUsage,
  summarizeTenants,
} from '../usage/summarizeUsage';
import { Callers } from './Callers';
import { parseInput } from './parseInput';
import { zonedUsageSeries } from '../usage/zonedUsageSeries';

/** What the usage routes read from. */
export interface UsageRouterOptions {
  callers: Callers;
  ledger: UsageLedger;
  pricing: UsagePricing;
  /** Days of the series when a query names no `tz`: the billing timezone. */
  timeZone: string;
}

/**
 * Token usage and its cost, read from the usage ledger:
 * `GET /tenants/:tenantId/usage` with `docuchat.usage.read` on the tenant
 * (404 when the tenant is not visible, 403 when visible without it) and the
 * all-tenants `GET /usage` with `docuchat.operations.read` (403 otherwise).
 */
export function createUsageRouter(options: UsageRouterOptions): express.Router {
  const { callers, ledger, pricing, timeZone } = options;
  const router = Router();
  const usageQuerySchema = createUsageQuerySchema({
    defaultTimeZone: timeZone,
  });
  const usageSummaryQuerySchema = createUsageSummaryQuerySchema({
    defaultTimeZone: timeZone,
  });

  router.get('/tenants/:tenantId/usage', async (req, res) => {
    const { tenant } = await callers.tenant(req, docuchatUsageReadPermission);
    const query = parseInput(usageQuerySchema, req.query, 'usage query');
    const { from, to, granularity } = query;
    const [series, sums] = await Promise.all([
      zonedUsageSeries(ledger, tenant.id, query),
      ledger.sumByTenant({ tenantId: tenant.id, from, to }),
    ]);
    const models = sums.map(({ tenantId: _, ...usage }) =>
      priceModelUsage(pricing, usage),
    );
    const body: TenantUsageResponse = {
      tenantId: tenant.id,
      from: from.toISOString(),
      to: to.toISOString(),
      granularity,
      timeZone: query.timeZone,
      series,
      models,
      total: grandTotal(models),
    };
    res.json(body);
  });

  router.get('/usage', async (req, res) => {
    await callers.withBasic(req, docuchatOperationsReadPermission);
    const {
      from,
      to,
      timeZone: zone,
    } = parseInput(usageSummaryQuerySchema, req.query, 'usage query');
    const tenants = summarizeTenants(
      pricing,
      await ledger.sumByTenant({ from, to }),
    );
    const body: UsageSummaryResponse = {
      from: from.toISOString(),
      to: to.toISOString(),
      timeZone: zone,
      tenants,
      total: grandTotal(tenants.map(tenant => tenant.total)),
    };
    res.json(body);
  });

  return router;
}
