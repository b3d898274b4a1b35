import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DocumentSummary } from '@docuchat/backstage-plugin-docuchat-common';
import {
  fakeApi,
  renderDocuChat,
  responseError,
} from '../../__testUtils__/renderDocuChat';
import { DocumentsView } from './DocumentsView';

jest.setTimeout(30_000);

const doc = (status: DocumentSummary['status'], error?: string) => ({
  id: 'd1',
  tenantId: 'acme',
  title: 'runbooks.md',
  contentType: 'text/markdown',
  sizeBytes: 4096,
  contentHash: 'h',
  status,
  error,
  chunkCount: status === 'ready' ? 7 : 0,
  tokenCount: 0,
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
});

describe('DocumentsView', () => {
  it('refreshes by itself while a document is pending', async () => {
    const answers = [[doc('queued')], [doc('processing')], [doc('ready')]];
    let calls = 0;
    const api = fakeApi({
      listDocuments: async () => answers[Math.min(calls++, answers.length - 1)],
    });
    await renderDocuChat(<DocumentsView tenantId="acme" />, { api });
    expect(await screen.findByText('queued')).toBeVisible();
    expect(
      await screen.findByText('ready', {}, { timeout: 10_000 }),
    ).toBeVisible();
    expect(screen.getByText('7')).toBeVisible();
    const settled = calls;
    await new Promise(r => setTimeout(r, 2500));
    // Nothing pending: no more polling.
    expect(calls).toBe(settled);
  });

  it('shows why ingestion failed', async () => {
    const api = fakeApi({
      listDocuments: async () => [doc('failed', 'PDF has no text layer')],
    });
    await renderDocuChat(<DocumentsView tenantId="acme" />, { api });
    expect(
      await screen.findByText(/failed: PDF has no text layer/),
    ).toBeVisible();
  });

  it('uploads several files and shows each refusal reason', async () => {
    const reasons: Record<string, Promise<Error> | undefined> = {
      'big.pdf': responseError(413, 'PayloadTooLargeError', 'limit is 20 MB'),
      'movie.mp4': responseError(415, 'UnsupportedMediaTypeError', 'video/mp4'),
      'broken.docx': responseError(422, 'UnprocessableError', 'not a zip'),
    };
    const api = fakeApi({
      listDocuments: async () => [],
      uploadDocument: async ({ file, onProgress }) => {
        onProgress?.(file.size / 2, file.size);
        if (reasons[file.name]) throw await reasons[file.name];
        return { ...doc('queued'), title: file.name, duplicate: false };
      },
    });
    await renderDocuChat(<DocumentsView tenantId="acme" />, { api });
    expect(await screen.findByText('No documents yet')).toBeVisible();
    const files = ['notes.md', 'big.pdf', 'movie.mp4', 'broken.docx'].map(
      name => new File(['content'], name),
    );
    // The picker's accept list would drop the .mp4 before it is sent; a
    // drop does not filter, so the backend's 415 must show.
    const user = userEvent.setup({ applyAccept: false });
    await user.upload(screen.getByTestId('docuchat-file-input'), files);
    expect(await screen.findByText('notes.md uploaded')).toBeVisible();
    expect(
      await screen.findByText(
        'big.pdf: the file is too large (limit is 20 MB)',
      ),
    ).toBeVisible();
    expect(
      screen.getByText('movie.mp4: this format is not supported (video/mp4)'),
    ).toBeVisible();
    expect(
      screen.getByText('broken.docx: the file could not be read (not a zip)'),
    ).toBeVisible();
  });

  it('hides upload and delete from users who may not manage documents', async () => {
    const api = fakeApi({ listDocuments: async () => [doc('ready')] });
    // Another tenant: permission decisions are cached per tenant.
    await renderDocuChat(<DocumentsView tenantId="globex" />, {
      api,
      allow: false,
    });
    await screen.findByText('runbooks.md');
    expect(screen.queryByText('Upload documents')).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Delete runbooks.md' }),
    ).toBeNull();
  });

  it('deletes a document after confirming', async () => {
    let docs = [doc('ready')];
    const api = fakeApi({
      listDocuments: async () => docs,
      deleteDocument: async () => {
        docs = [];
      },
    });
    await renderDocuChat(<DocumentsView tenantId="acme" />, { api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete runbooks.md' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() => expect(screen.queryByText('runbooks.md')).toBeNull());
  });

  it('shows a backend error instead of the list', async () => {
    const api = fakeApi({
      listDocuments: () =>
        responseError(503, 'ServiceUnavailableError', 'db is down').then(e =>
          Promise.reject(e),
        ),
    });
    await renderDocuChat(<DocumentsView tenantId="acme" />, { api });
    expect(await screen.findByText(/Request failed with 503/)).toBeVisible();
    expect(screen.getAllByText(/db is down/).length).toBeGreaterThan(0);
  });
});
