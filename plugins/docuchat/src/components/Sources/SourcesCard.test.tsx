import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Source } from '@docuchat/backstage-plugin-docuchat-common';
import {
  fakeApi,
  renderDocuChat,
  responseError,
} from '../../__testUtils__/renderDocuChat';
import { SourcesCard } from './SourcesCard';

jest.setTimeout(30_000);

const techdocs: Source = {
  id: 's1',
  tenantId: 'ops',
  kind: 'techdocs',
  filter: 'kind=system,metadata.name=docuchat',
  title: 'DocuChat TechDocs',
  status: 'idle',
  createdAt: '2026-12-07T08:00:00Z',
  documentCount: 16,
  lastSync: {
    startedAt: '2026-12-07T08:00:00Z',
    finishedAt: '2026-12-07T08:00:20Z',
    outcome: 'partial',
    trigger: 'user:default/guest',
    counts: { added: 16, changed: 0, removed: 0, failed: 1, unchanged: 0 },
    errors: [
      {
        key: 'system:default/docuchat/diagram/index.html',
        message: 'The document contains no text (only whitespace or markup)',
      },
    ],
  },
};

describe('SourcesCard', () => {
  it('shows each source with its last sync, counts and errors, and syncs on demand', async () => {
    const synced: string[] = [];
    const api = fakeApi({
      listSources: async () => [techdocs],
      syncSource: async (_tenant, id) => {
        synced.push(id);
        return { ...techdocs, status: 'syncing' as const };
      },
    });
    await renderDocuChat(<SourcesCard tenantId="ops" />, { api });
    expect(await screen.findByText('DocuChat TechDocs')).toBeVisible();
    expect(screen.getByText('Partly')).toBeVisible();
    expect(
      screen.getByText(
        '16 added · 0 changed · 0 removed · 1 failed · 0 unchanged',
      ),
    ).toBeVisible();
    expect(
      screen.getByText(/diagram\/index\.html: The document contains no text/),
    ).toBeVisible();
    await userEvent.click(
      screen.getByRole('button', { name: 'Sync now: DocuChat TechDocs' }),
    );
    await waitFor(() => expect(synced).toEqual(['s1']));
  });

  it('adds a source with a kind and a filter, and shows the backend’s refusal', async () => {
    const requests: unknown[] = [];
    const api = fakeApi({
      listSources: async () => [],
      createSource: async (_tenant, request) => {
        requests.push(request);
        if (requests.length === 1) {
          throw await responseError(
            400,
            'InputError',
            'Invalid source: filter: must be key=value pairs joined by commas',
          );
        }
        return { ...techdocs, kind: 'catalog', status: 'syncing' as const };
      },
    });
    await renderDocuChat(<SourcesCard tenantId="ops" />, { api });
    expect(await screen.findByText('No sources yet.')).toBeVisible();
    const filter = screen.getByRole('textbox', { name: /Catalog filter/ });
    await userEvent.type(filter, 'kind component');
    await userEvent.click(screen.getByRole('button', { name: 'Add source' }));
    expect(await screen.findByText(/must be key=value pairs/)).toBeVisible();
    await userEvent.clear(filter);
    await userEvent.type(filter, 'spec.system=docuchat');
    await userEvent.click(screen.getByRole('button', { name: 'Add source' }));
    await waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[1]).toEqual({
      kind: 'techdocs',
      filter: 'spec.system=docuchat',
    });
  });
});
