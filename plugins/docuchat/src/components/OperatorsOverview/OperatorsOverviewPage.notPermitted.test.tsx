import {
  BillingRun,
  UsageSummaryResponse,
} from '@internal/backstage-plugin-docuchat-common';
import { screen } from '@testing-library/react';
import { HEALTH_ALL, renderEntityCard } from '../../__testUtils__/entityPages';
import { OperatorsOverviewPage } from './OperatorsOverviewPage';

const total = (tokens: number, costRials: number) => ({
  promptTokens: tokens,
  completionTokens: 0,
  tokens,
  calls: 1,
  costRials,
  costTomans: costRials / 10,
});

const SUMMARY: UsageSummaryResponse = {
  from: '2026-10-26T20:30:00.000Z',
  to: '2026-11-25T20:30:00.000Z',
  timeZone: 'Asia/Tehran',
  tenants: [
    { tenantId: 'small', models: [], total: total(1000, 200) },
    { tenantId: 'big', models: [], total: total(90_000, 18_000) },
  ],
  total: total(91_000, 18_200),
};

const RUN: BillingRun = {
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

const operatorApi = (overrides = {}) => ({
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

// A file of its own: usePermission caches answers for the whole file.
describe('OperatorsOverviewPage for non-operators', () => {
  it('shows "not permitted" without docuchat.operations.read', async () => {
    const getUsageSummary = jest.fn();
    await renderEntityCard(<OperatorsOverviewPage />, {
      api: operatorApi({ getUsageSummary }),
      deny: ['docuchat.operations.read'],
    });
    expect(
      await screen.findByText('You are not allowed to see this.'),
    ).toBeInTheDocument();
    expect(getUsageSummary).not.toHaveBeenCalled();
  });
});
