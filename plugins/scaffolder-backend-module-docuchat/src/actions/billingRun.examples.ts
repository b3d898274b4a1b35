import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Bill one day again (for example after late usage arrived)',
    example: `steps:
  - id: billing
    action: docuchat:billing:run
    input:
      day: '2026-11-30'
`,
  },
  {
    description: 'Bill a range of days',
    example: `steps:
  - id: billing
    action: docuchat:billing:run
    input:
      from: '2026-11-01'
      to: '2026-11-30'
`,
  },
];
