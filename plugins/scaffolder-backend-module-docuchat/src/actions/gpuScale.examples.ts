import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Let the GPU workers autoscale between 2 and 8 replicas',
    example: `steps:
  - id: scale
    action: docuchat:gpu:scale
    name: Scale GPU workers
    input:
      cluster: prod-cluster
      namespace: docuchat-production
      release: docuchat
      minReplicas: 2
      maxReplicas: 8
`,
  },
  {
    description: 'Stop every GPU worker (an environment without an HPA)',
    example: `steps:
  - id: scale
    action: docuchat:gpu:scale
    input:
      cluster: staging-cluster
      namespace: docuchat-staging
      replicas: 0
`,
  },
];
