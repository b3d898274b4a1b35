import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Back up the production database and wait up to 30 minutes',
    example: `steps:
  - id: backup
    action: docuchat:db:backup
    name: Back up the database
    input:
      cluster: prod-cluster
      namespace: docuchat-production
      release: docuchat
      timeoutSeconds: 1800
output:
  text:
    - title: Backup
      content: \${{ steps.backup.output.backup }}
`,
  },
];
