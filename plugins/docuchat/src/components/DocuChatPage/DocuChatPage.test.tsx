import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { DocuChatApi, docuchatApiRef } from '../../api';
import { DocuChatPage } from './DocuChatPage';

function renderWith(api: Partial<DocuChatApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[docuchatApiRef, api]]}>
      <DocuChatPage />
    </TestApiProvider>,
  );
}

describe('DocuChatPage', () => {
  it('shows the backend status', async () => {
    await renderWith({
      getHealth: async () => ({ status: 'ok', capabilities: [] }),
    });
    expect(screen.getByRole('heading', { name: 'DocuChat' })).toBeVisible();
    expect(await screen.findByText(/Backend status: ok/)).toBeVisible();
  });

  it('shows the error the backend answered with', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'ServiceUnavailableError', message: 'db is down' },
          response: { statusCode: 503 },
        }),
        { status: 503, headers: { 'content-type': 'application/json' } },
      ) as any,
    );
    await renderWith({ getHealth: () => Promise.reject(error) });
    expect(await screen.findByText(/Request failed with 503/)).toBeVisible();
    expect(screen.queryByText(/Backend status/)).toBeNull();
  });
});
