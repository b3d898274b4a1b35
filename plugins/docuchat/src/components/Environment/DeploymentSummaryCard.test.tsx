import {
  kubernetesApiRef,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import { ObjectsByEntityResponse } from '@backstage/plugin-kubernetes-common';
import { screen } from '@testing-library/react';
import {
  ENVIRONMENT_ENTITY,
  renderEntityCard,
} from '../../__testUtils__/entityPages';
import { DeploymentSummaryCard } from './DeploymentSummaryCard';
import { imageTag } from './deploymentSummary';

const OBJECTS: ObjectsByEntityResponse = {
  items: [
    {
      cluster: { name: 'tehran-1' },
      podMetrics: [],
      errors: [],
      resources: [
        {
          type: 'deployments',
          resources: [
            {
              metadata: { name: 'docuchat-backend', namespace: 'docuchat' },
              spec: {
                replicas: 3,
                selector: {},
                template: {
                  spec: {
                    containers: [
                      {
                        name: 'backend',
                        image: 'registry.local:5000/docuchat/backend:1.4.2',
                      },
                    ],
                  },
                },
              },
              status: { readyReplicas: 2, replicas: 3 },
            },
            {
              metadata: { name: 'gpu-worker', namespace: 'docuchat' },
              spec: {
                replicas: 1,
                selector: {},
                template: {
                  spec: {
                    containers: [{ name: 'worker', image: 'vllm/vllm-openai' }],
                  },
                },
              },
              status: { readyReplicas: 1 },
            },
          ],
        },
        {
          type: 'horizontalpodautoscalers',
          resources: [
            {
              metadata: { name: 'docuchat-backend', namespace: 'docuchat' },
              spec: {
                scaleTargetRef: {
                  kind: 'Deployment',
                  name: 'docuchat-backend',
                },
                minReplicas: 2,
                maxReplicas: 6,
              },
              status: { currentReplicas: 3, desiredReplicas: 3 },
            },
          ],
        },
      ],
    },
  ],
};

function kubernetesApis(
  getObjectsByEntity: () => Promise<ObjectsByEntityResponse>,
) {
  return [
    [
      kubernetesApiRef,
      {
        getClusters: async () => [
          { name: 'tehran-1', authProvider: 'serviceAccount' },
        ],
        getObjectsByEntity,
      },
    ],
    [
      kubernetesAuthProvidersApiRef,
      {
        decorateRequestBodyForAuth: async (_provider: string, body: any) =>
          body,
      },
    ],
  ] as const;
}

describe('DeploymentSummaryCard', () => {
  it('shows ready replicas, the autoscaler and image tags', async () => {
    await renderEntityCard(<DeploymentSummaryCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      apis: [...kubernetesApis(async () => OBJECTS)],
    });
    expect(await screen.findByText('docuchat-backend')).toBeInTheDocument();
    expect(screen.getByText('2/3')).toBeInTheDocument();
    expect(screen.getByText('3 / 2 / 6')).toBeInTheDocument();
    expect(screen.getByText('backend:1.4.2')).toBeInTheDocument();
    expect(screen.getByText('worker:latest')).toBeInTheDocument();
    expect(screen.getAllByText('tehran-1/docuchat')).toHaveLength(2);
  });

  it('says so when no deployment matches', async () => {
    await renderEntityCard(<DeploymentSummaryCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      apis: [...kubernetesApis(async () => ({ items: [] }))],
    });
    expect(
      await screen.findByText('No deployments found for this environment.'),
    ).toBeInTheDocument();
  });

  it('shows progress while loading and the error of a failed request', async () => {
    await renderEntityCard(<DeploymentSummaryCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      apis: [...kubernetesApis(() => new Promise(() => {}))],
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error of a failed request', async () => {
    await renderEntityCard(<DeploymentSummaryCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      apis: [
        ...kubernetesApis(async () => {
          throw new Error('cluster unreachable');
        }),
      ],
    });
    expect(
      (await screen.findAllByText(/cluster unreachable/)).length,
    ).toBeGreaterThan(0);
  });

  it('reads tags and digests from image references', () => {
    expect(imageTag('registry.local:5000/a/b:1.2')).toBe('1.2');
    expect(imageTag('registry.local:5000/a/b')).toBe('latest');
    expect(imageTag('b@sha256:abc')).toBe('sha256:abc');
  });
});
