import { screen } from '@testing-library/react';
import { renderEntityCard } from '../../__testUtils__/entityPages';
import { operatorApi } from '../../__testUtils__/operatorsOverview';
import { OperatorsOverviewPage } from './OperatorsOverviewPage';

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
