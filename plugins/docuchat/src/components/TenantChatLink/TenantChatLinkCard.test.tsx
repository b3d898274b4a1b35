import { screen } from '@testing-library/react';
import {
  renderEntityCard,
  TENANT_ENTITY,
} from '../../__testUtils__/entityPages';
import { TenantChatLinkCard } from './TenantChatLinkCard';

const tenant = (id: string) => ({
  ...TENANT_ENTITY,
  metadata: {
    name: `docuchat-tenant-${id}`,
    annotations: { 'docuchat.io/tenant-id': id },
  },
});

describe('TenantChatLinkCard', () => {
  it("links to the DocuChat page of the entity's tenant", async () => {
    await renderEntityCard(<TenantChatLinkCard />, {
      api: {},
      entity: tenant('acme corp'),
    });
    expect(
      (await screen.findByText('Chat with these documents')).closest('a'),
    ).toHaveAttribute('href', '/docuchat/tenants/acme%20corp');
  });

  it('shows "not permitted" without docuchat.chat on the tenant', async () => {
    await renderEntityCard(<TenantChatLinkCard />, {
      api: {},
      entity: tenant('no-chat'),
      deny: ['docuchat.chat'],
    });
    expect(
      await screen.findByText('You are not allowed to see this.'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Chat with these documents')).toBeNull();
  });

  it('names the missing annotation', async () => {
    await renderEntityCard(<TenantChatLinkCard />, {
      api: {},
      entity: { ...TENANT_ENTITY, metadata: { name: 'unannotated' } },
    });
    expect(
      await screen.findByText(
        'This entity has no docuchat.io/tenant-id annotation.',
      ),
    ).toBeInTheDocument();
  });
});
