import { Invoice } from '@docuchat/backstage-plugin-docuchat-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  HEALTH_ALL,
  HEALTH_NO_BILLING,
  renderEntityCard,
  TENANT_ENTITY,
} from '../../__testUtils__/entityPages';
import { InvoicesCard } from './InvoicesCard';

function invoice(id: string, overrides: Partial<Invoice>): Invoice {
  return {
    id,
    tenantId: 'acme',
    period: '2026-11-01',
    status: 'issued',
    amountRials: 123_450,
    createdAt: '2026-11-02T00:00:00Z',
    payment: { state: 'link', url: `https://gateway.example/start/${id}` },
    email: { attempts: 1 },
    lines: [
      {
        kind: 'usage',
        model: 'openai:gpt-4o-mini',
        promptTokens: 600_000,
        completionTokens: 17_250,
        promptRialsPer1kTokens: 200,
        completionRialsPer1kTokens: 200,
        amountRials: 123_450,
      },
    ],
    ...overrides,
  };
}

const UNPAID = invoice('inv-unpaid', {});
const PAID = invoice('inv-paid', {
  period: '2026-10-31',
  status: 'paid',
  payment: {
    state: 'paid',
    url: 'https://gateway.example/start/old',
    paidAt: '2026-11-01T10:00:00Z',
  },
});

const deniedTenant = (id: string) => ({
  ...TENANT_ENTITY,
  metadata: {
    name: `docuchat-tenant-${id}`,
    annotations: { 'docuchat.io/tenant-id': id },
  },
});

describe('InvoicesCard', () => {
  it('lists invoices; an unpaid one shows its link and a paid one does not', async () => {
    await renderEntityCard(<InvoicesCard />, {
      api: {
        getHealth: HEALTH_ALL,
        listTenantInvoices: async () => ({ items: [UNPAID, PAID] }),
      },
    });
    const unpaid = await screen.findByTestId('invoice-inv-unpaid');
    const paid = screen.getByTestId('invoice-inv-paid');
    expect(
      within(unpaid).getByText('Payment link').closest('a'),
    ).toHaveAttribute('href', 'https://gateway.example/start/inv-unpaid');
    expect(
      within(unpaid).getByRole('button', { name: 'Pay' }),
    ).toBeInTheDocument();
    expect(within(unpaid).getByText('12,345 Tomans')).toBeInTheDocument();
    expect(within(unpaid).getByText('617,250')).toBeInTheDocument();
    expect(within(unpaid).getByText('issued')).toBeInTheDocument();
    expect(within(paid).queryByText('Payment link')).not.toBeInTheDocument();
    expect(
      within(paid).queryByRole('button', { name: 'Pay' }),
    ).not.toBeInTheDocument();
    expect(within(paid).getByText('paid')).toBeInTheDocument();
    // The period links to the invoice's own page.
    expect(within(unpaid).getByText('11/01/2026').closest('a')).toHaveAttribute(
      'href',
      '/docuchat/tenants/acme/invoices/inv-unpaid',
    );
  });

  it('asks for a fresh link with "Pay" and shows it', async () => {
    const open = jest.spyOn(window, 'open').mockImplementation(() => null);
    const fresh = invoice('inv-unpaid', {
      payment: { state: 'link', url: 'https://gateway.example/start/fresh' },
    });
    const requestPaymentLink = jest.fn(async () => fresh);
    await renderEntityCard(<InvoicesCard />, {
      api: {
        getHealth: HEALTH_ALL,
        listTenantInvoices: async () => ({ items: [UNPAID] }),
        requestPaymentLink,
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Pay' }));
    await waitFor(() =>
      expect(screen.getByText('Payment link').closest('a')).toHaveAttribute(
        'href',
        'https://gateway.example/start/fresh',
      ),
    );
    expect(requestPaymentLink).toHaveBeenCalledWith('acme', 'inv-unpaid');
    expect(open).toHaveBeenCalledWith(
      'https://gateway.example/start/fresh',
      '_blank',
      'noopener',
    );
    open.mockRestore();
  });

  it('pages through the invoices', async () => {
    const pages: unknown[] = [];
    await renderEntityCard(<InvoicesCard pageSize={1} />, {
      api: {
        getHealth: HEALTH_ALL,
        listTenantInvoices: async (_tenantId, page) => {
          pages.push(page);
          return { items: page?.offset ? [PAID] : [UNPAID] };
        },
      },
    });
    await screen.findByTestId('invoice-inv-unpaid');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByTestId('invoice-inv-paid')).toBeInTheDocument();
    expect(pages).toEqual([
      { limit: 1, offset: 0 },
      { limit: 1, offset: 1 },
    ]);
  });

  it('says so when there are no invoices', async () => {
    await renderEntityCard(<InvoicesCard />, {
      api: {
        getHealth: HEALTH_ALL,
        listTenantInvoices: async () => ({ items: [] }),
      },
    });
    expect(await screen.findByText('No invoices yet.')).toBeInTheDocument();
  });

  it('shows progress while loading and the error of a failed request', async () => {
    await renderEntityCard(<InvoicesCard />, {
      api: {
        getHealth: HEALTH_ALL,
        listTenantInvoices: () => new Promise(() => {}),
      },
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error of a failed request', async () => {
    await renderEntityCard(<InvoicesCard />, {
      api: {
        getHealth: HEALTH_ALL,
        listTenantInvoices: async () => {
          throw new Error('invoices exploded');
        },
      },
    });
    expect(
      (await screen.findAllByText(/invoices exploded/)).length,
    ).toBeGreaterThan(0);
  });

  it('shows "not permitted" without docuchat.invoices.read', async () => {
    const listTenantInvoices = jest.fn();
    await renderEntityCard(<InvoicesCard />, {
      api: { getHealth: HEALTH_ALL, listTenantInvoices },
      entity: deniedTenant('denied-invoices'),
      deny: ['docuchat.invoices.read'],
    });
    expect(
      await screen.findByText('You are not allowed to see this.'),
    ).toBeInTheDocument();
    expect(listTenantInvoices).not.toHaveBeenCalled();
  });

  it('hides "Pay" without docuchat.invoices.pay but keeps the link', async () => {
    await renderEntityCard(<InvoicesCard />, {
      api: {
        getHealth: HEALTH_ALL,
        listTenantInvoices: async () => ({
          items: [{ ...UNPAID, tenantId: 'no-pay' }],
        }),
      },
      entity: deniedTenant('no-pay'),
      deny: ['docuchat.invoices.pay'],
    });
    expect(await screen.findByText('Payment link')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Pay' }),
    ).not.toBeInTheDocument();
  });

  it('shows "not available" while the backend has no billing', async () => {
    await renderEntityCard(<InvoicesCard />, {
      api: { getHealth: HEALTH_NO_BILLING },
    });
    expect(
      await screen.findByText(/does not offer billing yet/),
    ).toBeInTheDocument();
  });
});
