import {
  kubernetesApiRef,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import { screen } from '@testing-library/react';
import {
  ENVIRONMENT_ENTITY,
  renderEntityCard,
} from '../../__testUtils__/entityPages';
import { DeploymentSummaryCard } from './DeploymentSummaryCard';

// usePermission caches a basic permission's answer across renders: the
// denial has a file of its own.
describe('DeploymentSummaryCard without kubernetes.resources.read', () => {
  it('shows "not permitted" and does not ask the Kubernetes backend', async () => {
    const getObjectsByEntity = jest.fn();
    await renderEntityCard(<DeploymentSummaryCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      deny: ['kubernetes.resources.read'],
      apis: [
        [kubernetesApiRef, { getClusters: async () => [], getObjectsByEntity }],
        [kubernetesAuthProvidersApiRef, {}],
      ],
    });
    expect(
      await screen.findByText('You are not allowed to see this.'),
    ).toBeInTheDocument();
    expect(getObjectsByEntity).not.toHaveBeenCalled();
  });
});
