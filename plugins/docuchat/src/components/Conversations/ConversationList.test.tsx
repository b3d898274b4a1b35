import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConversationSummary } from '@docuchat/backstage-plugin-docuchat-common';
import { ConversationQuery } from '../../api';
import { fakeApi, renderDocuChat } from '../../__testUtils__/renderDocuChat';
import { ConversationList } from './ConversationList';

const conversation = (n: number): ConversationSummary => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  tenantId: 'acme',
  title: `Question ${n}`,
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: new Date(Date.UTC(2026, 11, 1, 10, 0, 100 - n)).toISOString(),
  messageCount: 2,
});

jest.setTimeout(30_000);

// A dialog fades out before the rest of the page is reachable again (it is
// aria-hidden until then); slow under a loaded CI machine.
const dialogClosed = () =>
  waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), {
    timeout: 5000,
  });

describe('ConversationList', () => {
  it('lists newest first, loads more, searches, renames and deletes with confirm', async () => {
    const all = Array.from({ length: 25 }, (_, i) => conversation(i + 1));
    const queries: ConversationQuery[] = [];
    const deleted: string[] = [];
    const opened: string[] = [];
    const api = fakeApi({
      listConversations: async (_tenant, query = {}) => {
        queries.push(query);
        const matching = all.filter(
          c =>
            (!query.q || c.title.includes(query.q)) &&
            (!query.before || c.updatedAt < query.before),
        );
        return matching.slice(0, query.limit ?? 20);
      },
      renameConversation: async (_tenant, id, title) => ({
        ...all.find(c => c.id === id)!,
        title,
      }),
      deleteConversation: async (_tenant, id) => {
        deleted.push(id);
      },
    });
    await renderDocuChat(
      <ConversationList
        tenantId="acme"
        refreshKey={0}
        onOpen={id => opened.push(id)}
        onNew={() => {}}
        onDeleted={() => {}}
      />,
      { api },
    );
    const nav = screen.getByRole('navigation', { name: 'Conversations' });
    await within(nav).findByText('Question 1');
    expect(within(nav).queryByText('Question 21')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await within(nav).findByText('Question 25');
    expect(queries[1]).toMatchObject({ before: all[19].updatedAt });
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();

    await userEvent.click(within(nav).getByText('Question 3'));
    expect(opened).toEqual([all[2].id]);

    await userEvent.click(
      screen.getByRole('button', { name: 'Rename: Question 2' }),
    );
    const title = screen.getByRole('textbox', { name: 'Title' });
    await userEvent.clear(title);
    await userEvent.type(title, 'Backups');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await within(nav).findByText('Backups');
    await dialogClosed();

    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete: Question 4' }),
    );
    expect(
      screen.getByText(
        '“Question 4” and its messages will be deleted for good.',
      ),
    ).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(deleted).toEqual([]);
    await dialogClosed();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete: Question 4' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(deleted).toEqual([all[3].id]));
    await waitFor(() =>
      expect(within(nav).queryByText('Question 4')).toBeNull(),
    );
    await dialogClosed();

    await userEvent.type(
      await screen.findByRole('searchbox', { name: 'Search conversations' }),
      'Question 7',
    );
    await waitFor(() =>
      expect(queries[queries.length - 1]).toMatchObject({ q: 'Question 7' }),
    );
    await waitFor(() =>
      expect(within(nav).queryByText('Question 1')).toBeNull(),
    );
    expect(within(nav).getByText('Question 7')).toBeVisible();
  });

  it('says when there are none', async () => {
    await renderDocuChat(
      <ConversationList
        tenantId="acme"
        refreshKey={0}
        onOpen={() => {}}
        onNew={() => {}}
        onDeleted={() => {}}
      />,
      { api: fakeApi({ listConversations: async () => [] }) },
    );
    expect(await screen.findByText('No conversations yet')).toBeVisible();
  });
});
