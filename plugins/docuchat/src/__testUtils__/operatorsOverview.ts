import {
  BillingRun,
  UsageSummaryResponse,
} from '@docuchat/backstage-plugin-docuchat-common';
import { HEALTH_ALL } from './entityPages';

/*
 * The operators' overview's data, shared by its test files (split because
 * usePermission caches answers for a whole file).
 */

export const total = (tokens: number, costRials: number) => ({
  promptTokens: tokens,
  completionTokens: 0,
  tokens,
  calls: 1,
  costRials,
  costTomans: costRials / 10,
});

export const SUMMARY: UsageSummaryResponse = {
  from: '2026-10-26T20:30:00.000Z',
  to: '2026-11-25T20:30:00.000Z',
  timeZone: 'Asia/Tehran',
  tenants: [
    { tenantId: 'small', models: [], total: total(1000, 200) },
    { tenantId: 'big', models: [], total: total(90_000, 18_000) },
  ],
  total: total(91_000, 18_200),
};

export const RUN: BillingRun = {
  id: 'run-1',
  trigger: 'manual',
  from: '2026-11-24',
  to: '2026-11-24',
  outcome: 'succeeded',
  startedAt: '2026-11-25T00:00:00Z',
  daysBilled: 1,
  invoicesIssued: 2,
  invoicesCarried: 1,
  billedRials: 50_000,
  linksCreated: 2,
  emailsSent: 2,
  errors: [],
  drift: {
    prometheus: 'ok',
    entries: [
      {
        day: '2026-11-24',
        tenantId: 'big',
        ledgerTokens: 100,
        prometheusTokens: 90,
        driftTokens: 10,
      },
    ],
  },
};

export const operatorApi = (overrides = {}) => ({
  getHealth: HEALTH_ALL,
  getUsageSummary: async () => SUMMARY,
  listInvoices: async () => ({
    items: [],
    totals: {
      count: 3,
      amountRials: 70_000,
      byStatus: {
        issued: { count: 2, amountRials: 50_000 },
        paid: { count: 1, amountRials: 20_000 },
      },
    },
  }),
  listBillingRuns: async () => ({ items: [RUN] }),
  ...overrides,
});
