import { screen } from '@testing-library/react';
import { renderEntityCard } from '../../__testUtils__/entityPages';
import { operatorApi } from '../../__testUtils__/operatorsOverview';
import { OperatorsOverviewPage } from './OperatorsOverviewPage';

// usePermission caches answers per permission for the whole test file, so
// denials live in a file of their own, each about a different permission.
describe('OperatorsOverviewPage without permissions', () => {
  it('hides the bill button without docuchat.billing.run', async () => {
    await renderEntityCard(<OperatorsOverviewPage />, {
      api: operatorApi(),
      deny: ['docuchat.billing.run'],
    });
    await screen.findByRole('table', { name: 'Last billing runs' });
    expect(
      screen.queryByRole('button', { name: 'Bill a day' }),
    ).not.toBeInTheDocument();
  });
});
