import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  HEALTH_NO_BILLING,
  renderEntityCard,
} from '../../__testUtils__/entityPages';
import {
  operatorApi,
  RUN,
  SUMMARY,
  total,
} from '../../__testUtils__/operatorsOverview';
import { OperatorsOverviewPage } from './OperatorsOverviewPage';

describe('OperatorsOverviewPage', () => {
  it('shows top tenants, totals, invoices by status and the last runs', async () => {
    await renderEntityCard(<OperatorsOverviewPage />, { api: operatorApi() });
    const totals = await screen.findByTestId('admin-totals');
    expect(totals).toHaveTextContent('91,000');
    expect(totals).toHaveTextContent('1,820 Tomans');
    const rows = screen
      .getByRole('table', { name: 'Top tenants' })
      .querySelectorAll('tbody tr');
    expect([...rows].map(r => r.firstChild!.textContent)).toEqual([
      'big',
      'small',
    ]);
    expect(await screen.findByTestId('status-issued')).toHaveTextContent(
      '5,000 Tomans',
    );
    expect(screen.getByTestId('status-paid')).toHaveTextContent('1');
    expect(screen.getByTestId('status-void')).toHaveTextContent('0');
    const runs = await screen.findByRole('table', {
      name: 'Last billing runs',
    });
    expect(within(runs).getByText('succeeded')).toBeInTheDocument();
    expect(within(runs).getByText('10')).toBeInTheDocument();
  });

  it('says why a run was partial', async () => {
    const partial = {
      ...RUN,
      outcome: 'partial' as const,
      errors: [
        'payment links: 2 failed (the invoices stay issued and get a link on the next run), first: inv-1: Zibal did not answer',
      ],
    };
    await renderEntityCard(<OperatorsOverviewPage />, {
      api: operatorApi({ listBillingRuns: async () => ({ items: [partial] }) }),
    });
    const runs = await screen.findByRole('table', {
      name: 'Last billing runs',
    });
    expect(within(runs).getByText('partial')).toBeVisible();
    expect(
      within(runs).getByText(
        /^payment links: 2 failed .*Zibal did not answer$/,
      ),
    ).toBeVisible();
  });

  it('bills a day and shows the result', async () => {
    const runBilling = jest.fn(async () => RUN);
    await renderEntityCard(<OperatorsOverviewPage />, {
      api: operatorApi({ runBilling }),
    });
    const day = (await screen.findByLabelText(
      'Billing day',
    )) as HTMLInputElement;
    // The default is yesterday in the billing zone.
    expect(day.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    fireEvent.change(day, { target: { value: '2026-11-24' } });
    await userEvent.click(screen.getByRole('button', { name: 'Bill a day' }));
    expect(await screen.findByTestId('billing-run-result')).toHaveTextContent(
      'Run succeeded: 1 day(s), 2 invoice(s) issued, 1 carried, 5,000 Tomans.',
    );
    expect(runBilling).toHaveBeenCalledWith({ day: '2026-11-24' });
  });

  it('says billing is not available, and still shows usage', async () => {
    await renderEntityCard(<OperatorsOverviewPage />, {
      api: operatorApi({ getHealth: HEALTH_NO_BILLING }),
    });
    expect(
      await screen.findByText(/does not offer billing yet/),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('admin-totals')).toBeInTheDocument();
  });

  it('shows empty states', async () => {
    await renderEntityCard(<OperatorsOverviewPage />, {
      api: operatorApi({
        getUsageSummary: async () => ({
          ...SUMMARY,
          tenants: [],
          total: total(0, 0),
        }),
        listBillingRuns: async () => ({ items: [] }),
      }),
    });
    expect(
      await screen.findByText('No token usage in this range.'),
    ).toBeInTheDocument();
    expect(await screen.findByText('No billing runs yet.')).toBeInTheDocument();
  });

  it('shows progress while loading and errors of failed requests', async () => {
    await renderEntityCard(<OperatorsOverviewPage />, {
      api: operatorApi({ getUsageSummary: () => new Promise(() => {}) }),
    });
    expect((await screen.findAllByTestId('progress')).length).toBeGreaterThan(
      0,
    );
  });

  it('shows the error of a failed request', async () => {
    await renderEntityCard(<OperatorsOverviewPage />, {
      api: operatorApi({
        getUsageSummary: async () => {
          throw new Error('summary exploded');
        },
      }),
    });
    await waitFor(async () =>
      expect(
        (
          await screen.findAllByText(/summary exploded/)
        ).length,
      ).toBeGreaterThan(0),
    );
  });
});
