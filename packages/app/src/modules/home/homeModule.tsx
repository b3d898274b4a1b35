import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

/**
 * The home page's first card: what this portal is for and where each part
 * of DocuChat lives. The rest of the page (search, starred entities, the
 * toolkit, clocks) is laid out in app-config.yaml under `page:home`.
 */
const content = `
Ask questions of your organisation's documents and get answers that cite
their sources. Every tenant has its own documents, conversations, token
usage and invoices.

- **[Chat with documents](/docuchat)**: pick a tenant, ask, upload
  Markdown, HTML, PDF, Word or text files.
- **[Tenants and environments](/?filters%5Bkind%5D=resource)**: in the
  catalog; a tenant's page shows its token usage and invoices.
- **[Runbooks](/create)**: rotate secrets, scale the GPU pool, back up or
  restore the database, create a tenant.
- **[Operations](/docuchat/admin)**: usage and invoices of every tenant,
  billing runs (operators).
`;

const docuchatWidget = HomePageWidgetBlueprint.make({
  name: 'docuchat',
  params: {
    name: 'DocuChat',
    title: 'DocuChat',
    description: 'What the portal is for, and where each part of it lives',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [docuchatWidget],
});
