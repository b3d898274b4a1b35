import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Restore a nightly backup into staging',
    example: `steps:
  - id: restore
    action: docuchat:db:restore
    name: Restore the database
    input:
      cluster: staging-cluster
      namespace: docuchat-staging
      release: docuchat
      backup: docuchat-20260101T010000Z.dump
      confirm: true
      timeoutSeconds: 3600
`,
  },
];
