import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Create a tenant owned by a group',
    example: `steps:
  - id: tenant
    action: docuchat:tenant:create
    name: Create the tenant
    input:
      id: acme
      displayName: Acme Corp
      ownerRef: group:default/acme-team
      contactEmail: billing@acme.example
      mobile: '09121234567'
`,
  },
];
