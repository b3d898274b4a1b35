import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { Tenant } from '@docuchat/backstage-plugin-docuchat-common';
import {
  fakeApi,
  renderDocuChat,
  responseError,
} from '../../__testUtils__/renderDocuChat';
import { DocuChatPage, LAST_TENANT_KEY } from './DocuChatPage';

jest.setTimeout(30_000);

const tenant = (id: string): Tenant => ({
  id,
  displayName: id.toUpperCase(),
  ownerRef: 'group:default/platform',
  pricePlan: 'standard',
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
});

const page = (
  <Routes>
    <Route path="/docuchat/*" element={<DocuChatPage />} />
  </Routes>
);

describe('DocuChatPage', () => {
  beforeEach(() => window.localStorage.clear());

  // First: usePermission caches decisions for the whole file (SWR), and
  // the other tests are allowed everything.
  it('hides the tenant admin tab from non-admins', async () => {
    const api = fakeApi({
      listTenants: async () => [tenant('initech')],
      listDocuments: async () => [],
    });
    await renderDocuChat(page, {
      api,
      allow: false,
      path: '/docuchat/tenants/initech',
    });
    await screen.findByText('This tenant has no documents yet');
    expect(screen.getByRole('tab', { name: 'Documents' })).toBeVisible();
    expect(screen.queryByRole('tab', { name: 'Tenants' })).toBeNull();
  });

  it('opens the last tenant used and sends an empty tenant to Documents', async () => {
    window.localStorage.setItem(LAST_TENANT_KEY, 'globex');
    const api = fakeApi({
      listTenants: async () => [tenant('acme'), tenant('globex')],
      listDocuments: async () => [],
    });
    await renderDocuChat(page, { api, path: '/docuchat' });
    expect(
      await screen.findByText('This tenant has no documents yet'),
    ).toBeVisible();
    expect(screen.getByRole('button', { name: /Tenant/ })).toHaveTextContent(
      'GLOBEX (globex)',
    );
    expect(screen.getByText('Go to Documents').closest('a')).toHaveAttribute(
      'href',
      '/docuchat/tenants/globex/documents',
    );
    expect(screen.getByTestId('docuchat-root')).toHaveAttribute('dir', 'ltr');
  });

  it('says so when the user may use no tenant', async () => {
    await renderDocuChat(page, {
      api: fakeApi({ listTenants: async () => [] }),
      path: '/docuchat',
    });
    expect(
      await screen.findByText(/You may not use any DocuChat tenant yet/),
    ).toBeVisible();
  });

  it('shows the backend error when tenants cannot be listed', async () => {
    await renderDocuChat(page, {
      api: fakeApi({
        listTenants: () =>
          responseError(401, 'AuthenticationError', 'Missing credentials').then(
            e => Promise.reject(e),
          ),
      }),
      path: '/docuchat',
    });
    expect(await screen.findByText(/Request failed with 401/)).toBeVisible();
  });

  it('speaks Persian right to left, with Persian digits', async () => {
    const api = fakeApi({
      listTenants: async () => [tenant('acme')],
      listDocuments: async () => [
        {
          id: 'd1',
          tenantId: 'acme',
          title: 'راهنما.md',
          contentType: 'text/markdown',
          sizeBytes: 12 * 1024,
          contentHash: 'h',
          status: 'ready',
          chunkCount: 12,
          tokenCount: 100,
          createdAt: '2026-12-01T10:00:00Z',
          updatedAt: '2026-12-01T10:00:00Z',
        },
      ],
    });
    await renderDocuChat(page, {
      api,
      persian: true,
      path: '/docuchat/tenants/acme/documents',
    });
    expect(await screen.findByText('آماده')).toBeVisible();
    expect(screen.getByTestId('docuchat-root')).toHaveAttribute('dir', 'rtl');
    expect(screen.getByTestId('docuchat-root')).toHaveAttribute('lang', 'fa');
    expect(screen.getByRole('tab', { name: 'گفتگو' })).toBeVisible();
    // Passages and size in Persian digits.
    expect(screen.getByText('۱۲')).toBeVisible();
    expect(screen.getByText('۱۲ KB')).toBeVisible();
  });
});
