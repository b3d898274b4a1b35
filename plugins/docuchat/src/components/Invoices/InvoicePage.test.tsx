import { Invoice } from '@docuchat/backstage-plugin-docuchat-common';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  HEALTH_ALL,
  HEALTH_NO_BILLING,
  renderEntityCard,
  TENANT_ENTITY,
} from '../../__testUtils__/entityPages';
import { responseError } from '../../__testUtils__/renderDocuChat';
import { DocuChatApi } from '../../api';
import { InvoicePage } from './InvoicePage';

const UNPAID: Invoice = {
  id: 'inv-1',
  tenantId: 'acme',
  period: '2026-11-01',
  status: 'issued',
  amountRials: 123_450,
  createdAt: '2026-11-02T00:00:00Z',
  payment: { state: 'link', url: 'https://gateway.example/start/inv-1' },
  email: { attempts: 1 },
  lines: [
    {
      kind: 'usage',
      model: 'openai:gpt-4o-mini',
      promptTokens: 600_000,
      completionTokens: 17_250,
      promptRialsPer1kTokens: 200,
      completionRialsPer1kTokens: 200,
      amountRials: 123_450 - 800,
    },
    {
      kind: 'carried',
      sourceInvoiceId: 'inv-0',
      promptTokens: 4_000,
      completionTokens: 0,
      promptRialsPer1kTokens: 200,
      completionRialsPer1kTokens: 200,
      amountRials: 800,
    },
  ],
};

const PAID: Invoice = {
  ...UNPAID,
  status: 'paid',
  payment: {
    state: 'paid',
    url: 'https://gateway.example/start/inv-1',
    paidAt: '2026-11-02T10:00:00Z',
    refNumber: 'REF-778',
    cardNumber: '6037-99**-****-1234',
  },
};

/** The invoice page at its route, as the payment callback opens it. */
function renderInvoicePage(
  tenantId: string,
  api: Partial<DocuChatApi>,
  options: { deny?: string[] } = {},
) {
  return renderEntityCard(
    <Routes>
      <Route
        path="/docuchat/tenants/:tenantId/invoices/:invoiceId"
        element={<InvoicePage />}
      />
    </Routes>,
    {
      api: { getHealth: HEALTH_ALL, ...api },
      path: `/docuchat/tenants/${tenantId}/invoices/inv-1`,
      deny: options.deny,
      apis: [[catalogApiRef, catalogApiMock({ entities: [TENANT_ENTITY] })]],
    },
  );
}

describe('InvoicePage', () => {
  it('shows the invoice, its payment link while unpaid, its lines and the way back to the tenant', async () => {
    const getTenantInvoice = jest.fn(async () => UNPAID);
    await renderInvoicePage('acme', { getTenantInvoice });
    const row = await screen.findByTestId('invoice-inv-1');
    expect(getTenantInvoice).toHaveBeenCalledWith('acme', 'inv-1');
    expect(screen.getByText('Invoice inv-1')).toBeInTheDocument();
    expect(within(row).getByText('12,345 Tomans')).toBeInTheDocument();
    // Tokens: the sum of the lines.
    expect(within(row).getByText('621,250')).toBeInTheDocument();
    expect(within(row).getByText('Payment link').closest('a')).toHaveAttribute(
      'href',
      'https://gateway.example/start/inv-1',
    );

    const lines = within(screen.getByRole('table', { name: 'Lines' }))
      .getAllByRole('row')
      .slice(1);
    expect(lines).toHaveLength(2);
    expect(
      within(lines[0]).getByText('openai:gpt-4o-mini'),
    ).toBeInTheDocument();
    expect(within(lines[0]).getByText('600,000')).toBeInTheDocument();
    expect(within(lines[0]).getByText('12,265 Tomans')).toBeInTheDocument();
    expect(within(lines[1]).getByText('carried ← inv-0')).toBeInTheDocument();
    expect(within(lines[1]).getByText('80 Tomans')).toBeInTheDocument();

    expect(
      (await screen.findByText('Back to the tenant')).closest('a'),
    ).toHaveAttribute('href', '/catalog/default/resource/docuchat-tenant-acme');
  });

  it('shows a paid invoice without a payment link, with when and how it was paid', async () => {
    await renderInvoicePage('acme', { getTenantInvoice: async () => PAID });
    const row = await screen.findByTestId('invoice-inv-1');
    expect(within(row).getByText('paid')).toBeInTheDocument();
    expect(within(row).queryByText('Payment link')).not.toBeInTheDocument();
    expect(
      within(row).queryByRole('button', { name: 'Pay' }),
    ).not.toBeInTheDocument();
    expect(within(row).getByText(/11\/2\/26/)).toBeInTheDocument();
    expect(screen.getByText(/REF-778/)).toBeInTheDocument();
  });

  it('says so when the invoice has no lines', async () => {
    await renderInvoicePage('acme', {
      getTenantInvoice: async () => ({ ...UNPAID, lines: [] }),
    });
    expect(
      await screen.findByText('This invoice has no lines.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Lines' })).toBeNull();
  });

  it('says so when the invoice is not found', async () => {
    await renderInvoicePage('acme', {
      getTenantInvoice: async () => {
        throw await responseError(
          404,
          'NotFoundError',
          'Invoice inv-1 not found',
        );
      },
    });
    expect(
      (await screen.findAllByText(/Invoice inv-1 not found/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTestId('invoice-inv-1')).toBeNull();
  });

  it('shows progress while loading', async () => {
    await renderInvoicePage('acme', {
      getTenantInvoice: () => new Promise(() => {}),
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error of a failed request', async () => {
    await renderInvoicePage('acme', {
      getTenantInvoice: async () => {
        throw new Error('billing store down');
      },
    });
    expect(
      (await screen.findAllByText(/billing store down/)).length,
    ).toBeGreaterThan(0);
  });

  it('shows "not permitted" without docuchat.invoices.read on the tenant', async () => {
    const getTenantInvoice = jest.fn();
    // usePermission caches answers per tenant: a tenant of its own.
    await renderInvoicePage(
      'denied-invoice',
      { getTenantInvoice },
      { deny: ['docuchat.invoices.read'] },
    );
    expect(
      await screen.findByText('You are not allowed to see this.'),
    ).toBeInTheDocument();
    expect(getTenantInvoice).not.toHaveBeenCalled();
  });

  it('shows "not available" while the backend has no billing', async () => {
    const getTenantInvoice = jest.fn();
    await renderInvoicePage('acme', {
      getHealth: HEALTH_NO_BILLING,
      getTenantInvoice,
    });
    expect(
      await screen.findByText(/does not offer billing yet/),
    ).toBeInTheDocument();
    expect(getTenantInvoice).not.toHaveBeenCalled();
  });
});
