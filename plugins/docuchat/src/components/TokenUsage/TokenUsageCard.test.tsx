import { TenantUsageResponse } from '@docuchat/backstage-plugin-docuchat-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  HEALTH_ALL,
  renderEntityCard,
  TENANT_ENTITY,
} from '../../__testUtils__/entityPages';
import { TokenUsageCard } from './TokenUsageCard';

// usePermission caches answers per permission and tenant across renders:
// denial tests use a tenant no other test asks about.
const DENIED_TENANT = {
  ...TENANT_ENTITY,
  metadata: {
    name: 'docuchat-tenant-denied',
    annotations: { 'docuchat.io/tenant-id': 'denied-usage' },
  },
};

const GPT = 'openai:gpt-4o-mini';
const EMB = 'openai:text-embedding-3-small';
const price = { promptRialsPer1kTokens: 200, completionRialsPer1kTokens: 200 };

/** Two Tehran days of usage; totals add up to the series. */
const USAGE: TenantUsageResponse = {
  tenantId: 'acme',
  from: '2026-10-26T20:30:00.000Z',
  to: '2026-11-25T20:30:00.000Z',
  granularity: 'day',
  timeZone: 'Asia/Tehran',
  series: [
    {
      bucketStart: '2026-10-31T20:30:00.000Z',
      model: GPT,
      promptTokens: 1200,
      completionTokens: 300,
    },
    {
      bucketStart: '2026-10-31T20:30:00.000Z',
      model: EMB,
      promptTokens: 5000,
      completionTokens: 0,
    },
    {
      bucketStart: '2026-11-01T20:30:00.000Z',
      model: GPT,
      promptTokens: 800,
      completionTokens: 700,
    },
  ],
  models: [
    {
      model: GPT,
      promptTokens: 2000,
      completionTokens: 1000,
      calls: 4,
      costRials: 600,
      costTomans: 60,
      price,
    },
    {
      model: EMB,
      promptTokens: 5000,
      completionTokens: 0,
      calls: 2,
      costRials: 1000,
      costTomans: 100,
      price,
    },
  ],
  total: {
    promptTokens: 7000,
    completionTokens: 1000,
    tokens: 8000,
    calls: 6,
    costRials: 1600,
    costTomans: 160,
  },
};

const EMPTY: TenantUsageResponse = {
  ...USAGE,
  series: [],
  models: [],
  total: {
    promptTokens: 0,
    completionTokens: 0,
    tokens: 0,
    calls: 0,
    costRials: 0,
    costTomans: 0,
  },
};

function csvOf(link: HTMLElement): string[][] {
  const href = link.getAttribute('href')!;
  const text = decodeURIComponent(href.slice(href.indexOf(',') + 1));
  return text
    .trim()
    .split('\n')
    .map(line => line.split(','));
}

describe('TokenUsageCard', () => {
  it('charts the billing days, and the series sum to the totals shown', async () => {
    const queries: unknown[] = [];
    await renderEntityCard(<TokenUsageCard />, {
      api: {
        getHealth: HEALTH_ALL,
        getTenantUsage: async (tenantId, query) => {
          expect(tenantId).toBe('acme');
          queries.push(query);
          return USAGE;
        },
      },
    });
    expect(await screen.findByText('Daily, Asia/Tehran')).toBeInTheDocument();
    expect(screen.getByTestId('usage-total-tokens')).toHaveTextContent('8,000');
    expect(screen.getByTestId('usage-total-cost')).toHaveTextContent(
      '160 Tomans',
    );
    expect(screen.getByText(GPT)).toBeInTheDocument();

    // The CSV is what the chart draws: one row per billing day (Tehran's
    // 1 and 2 November), one column per model and direction with tokens
    // (the embedding model has no completion tokens, so no such series).
    const rows = csvOf(screen.getByText('Download CSV').closest('a')!);
    expect(rows[0]).toEqual([
      'bucket',
      `${GPT} prompt`,
      `${GPT} completion`,
      `${EMB} prompt`,
    ]);
    expect(rows.slice(1).map(r => r[0])).toEqual(['2026-11-01', '2026-11-02']);
    const sum = (column: number) =>
      rows.slice(1).reduce((s, r) => s + Number(r[column]), 0);
    expect(sum(1) + sum(3)).toBe(USAGE.total.promptTokens);
    expect(sum(2)).toBe(USAGE.total.completionTokens);
    expect(sum(1) + sum(2) + sum(3)).toBe(USAGE.total.tokens);
    // The first request leaves the zone to the backend (its billing zone).
    expect(queries[0]).toEqual({});
  });

  it('asks for 7 days in the billing zone, and hourly for a custom two days', async () => {
    const queries: any[] = [];
    await renderEntityCard(<TokenUsageCard />, {
      api: {
        getHealth: HEALTH_ALL,
        getTenantUsage: async (_tenantId, query) => {
          queries.push(query);
          return { ...USAGE, granularity: query.granularity ?? 'day' };
        },
      },
    });
    await screen.findByText('Daily, Asia/Tehran');
    await userEvent.click(screen.getByRole('button', { name: '7 days' }));
    await waitFor(() =>
      expect(queries[queries.length - 1]).toMatchObject({
        granularity: 'day',
        tz: 'Asia/Tehran',
      }),
    );
    const week = queries[queries.length - 1];
    expect((Date.parse(week.to) - Date.parse(week.from)) / 86_400_000).toBe(7);

    await userEvent.click(screen.getByRole('button', { name: 'Custom' }));
    await waitFor(() =>
      expect(queries[queries.length - 1]).toMatchObject({
        granularity: 'hour',
      }),
    );
    expect(await screen.findByText('Hourly, Asia/Tehran')).toBeInTheDocument();
  });

  it('says so when the range has no usage', async () => {
    await renderEntityCard(<TokenUsageCard />, {
      api: { getHealth: HEALTH_ALL, getTenantUsage: async () => EMPTY },
    });
    expect(
      await screen.findByText('No token usage in this range.'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Download CSV')).not.toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    await renderEntityCard(<TokenUsageCard />, {
      api: {
        getHealth: HEALTH_ALL,
        getTenantUsage: () => new Promise(() => {}),
      },
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error of a failed request', async () => {
    await renderEntityCard(<TokenUsageCard />, {
      api: {
        getHealth: HEALTH_ALL,
        getTenantUsage: async () => {
          throw new Error('usage exploded');
        },
      },
    });
    expect(
      (await screen.findAllByText(/usage exploded/)).length,
    ).toBeGreaterThan(0);
  });

  it('shows "not permitted" without docuchat.usage.read on the tenant', async () => {
    const getTenantUsage = jest.fn();
    await renderEntityCard(<TokenUsageCard />, {
      api: { getHealth: HEALTH_ALL, getTenantUsage },
      entity: DENIED_TENANT,
      deny: ['docuchat.usage.read'],
    });
    expect(
      await screen.findByText('You are not allowed to see this.'),
    ).toBeInTheDocument();
    expect(getTenantUsage).not.toHaveBeenCalled();
  });

  it('shows "not available" when the backend has no usage capability', async () => {
    await renderEntityCard(<TokenUsageCard />, {
      api: {
        getHealth: async () => ({ status: 'ok', capabilities: ['chat'] }),
      },
    });
    expect(await screen.findByText(/Not available/)).toBeInTheDocument();
  });

  it('names the missing annotation', async () => {
    await renderEntityCard(<TokenUsageCard />, {
      api: { getHealth: HEALTH_ALL },
      entity: { ...TENANT_ENTITY, metadata: { name: 'no-annotation' } },
    });
    expect(
      await screen.findByText(/no docuchat.io\/tenant-id annotation/),
    ).toBeInTheDocument();
  });
});
