import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Restart the portal of the environment fetched in an earlier step',
    example: `steps:
  - id: restart
    action: docuchat:rollout:restart
    name: Restart the portal
    input:
      cluster: \${{ steps.environment.output.entity.metadata.annotations['backstage.io/kubernetes-cluster'] }}
      namespace: \${{ steps.environment.output.entity.metadata.annotations['backstage.io/kubernetes-namespace'] }}
      release: docuchat
      deployment: docuchat-portal
      timeoutSeconds: 300
`,
  },
];
