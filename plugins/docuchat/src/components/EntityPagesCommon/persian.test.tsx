import {
  Invoice,
  TenantUsageResponse,
} from '@docuchat/backstage-plugin-docuchat-common';
import { screen, within } from '@testing-library/react';
import { HEALTH_ALL, renderEntityCard } from '../../__testUtils__/entityPages';
import { InvoicesCard } from '../Invoices';
import { TenantChatLinkCard } from '../TenantChatLink';
import { TokenUsageCard } from '../TokenUsage';

const GPT = 'openai:gpt-4o-mini';
const price = { promptRialsPer1kTokens: 200, completionRialsPer1kTokens: 200 };
const total = {
  promptTokens: 6000,
  completionTokens: 2000,
  tokens: 8000,
  calls: 1234,
  costRials: 16_000,
  costTomans: 1600,
};
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
      promptTokens: 6000,
      completionTokens: 2000,
    },
  ],
  models: [{ model: GPT, ...total, price }],
  total,
};
const INVOICE: Invoice = {
  id: 'inv-fa',
  tenantId: 'acme',
  period: '2026-11-01',
  status: 'issued',
  amountRials: 123_450,
  createdAt: '2026-11-02T00:00:00Z',
  payment: { state: 'link', url: 'https://gateway.example/start/inv-fa' },
  email: { attempts: 1 },
  lines: [
    {
      kind: 'usage',
      model: GPT,
      promptTokens: 600_000,
      completionTokens: 17_250,
      promptRialsPer1kTokens: 200,
      completionRialsPer1kTokens: 200,
      amountRials: 123_450,
    },
  ],
};

describe("DocuChat's cards in Persian", () => {
  it('lay out right to left, with Persian digits and Tomans with thousands separators', async () => {
    await renderEntityCard(
      <>
        <TokenUsageCard />
        <InvoicesCard />
        <TenantChatLinkCard />
      </>,
      {
        api: {
          getHealth: HEALTH_ALL,
          getTenantUsage: async () => USAGE,
          listTenantInvoices: async () => ({ items: [INVOICE] }),
        },
        persian: true,
      },
    );
    // Persian titles and texts through the translation API.
    expect(await screen.findByText('مصرف توکن')).toBeInTheDocument();
    expect(screen.getByText('صورتحساب‌ها')).toBeInTheDocument();
    const chatLink = await screen.findByText('گفتگو با این اسناد');

    // Numbers and money through Intl in fa-IR: Persian digits, the Arabic
    // thousands separator (U+066C), amounts in Tomans.
    expect(await screen.findByTestId('usage-total-tokens')).toHaveTextContent(
      '۸٬۰۰۰',
    );
    expect(screen.getByTestId('usage-total-cost')).toHaveTextContent(
      '۱٬۶۰۰ تومان',
    );
    const invoice = await screen.findByTestId('invoice-inv-fa');
    expect(within(invoice).getByText('۱۲٬۳۴۵ تومان')).toBeInTheDocument();
    expect(within(invoice).getByText('۶۱۷٬۲۵۰')).toBeInTheDocument();
    expect(within(invoice).getByText('صادرشده')).toBeInTheDocument();
    expect(within(invoice).getByText('پیوند پرداخت')).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/12,345|8,000/);

    // DocuChat's own content is right to left; Backstage's frame is not.
    const bodies = screen.getAllByTestId('docuchat-card-body');
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(body).toHaveAttribute('dir', 'rtl');
    expect(chatLink.closest('[dir]')).toHaveAttribute('dir', 'rtl');
    expect(document.documentElement).not.toHaveAttribute('dir', 'rtl');
  });
});
