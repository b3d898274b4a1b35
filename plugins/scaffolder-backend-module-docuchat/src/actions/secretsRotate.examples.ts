import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Rotate the database password (random) and set a new OpenAI key given as a template secret',
    example: `steps:
  - id: rotate
    action: docuchat:secrets:rotate
    name: Rotate secrets
    input:
      cluster: prod-cluster
      namespace: docuchat-production
      release: docuchat
      keys: [postgres-password, openai-api-key]
      fromSecrets:
        openai-api-key: openaiApiKey
`,
  },
];
