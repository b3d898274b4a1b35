import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  AskEvent,
  Citation,
  ConversationDetail,
} from '@docuchat/backstage-plugin-docuchat-common';
import { AskOptions } from '../../api';
import {
  fakeApi,
  renderDocuChat,
  responseError,
} from '../../__testUtils__/renderDocuChat';
import { ChatView } from './ChatView';

const citation: Citation = {
  n: 1,
  chunkId: '11111111-1111-4111-8111-111111111111',
  documentId: 'doc-1',
  documentTitle: 'Runbooks',
  headingPath: ['Operations', 'Testing'],
  snippet: 'Run yarn test…',
  score: 0.9,
};
const conversationId = '22222222-2222-4222-8222-222222222222';
const answerId = '33333333-3333-4333-8333-333333333333';

/** An ask whose events the test releases one at a time. */
function controlledAsk() {
  const queue: AskEvent[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const calls: AskOptions[] = [];
  async function* askEvents(options: AskOptions): AsyncGenerator<AskEvent> {
    calls.push(options);
    for (;;) {
      if (options.signal?.aborted) {
        throw new DOMException('aborted', 'AbortError');
      }
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (closed) return;
      // eslint-disable-next-line no-loop-func -- waits for the test's next send
      await new Promise<void>(resolve => {
        wake = resolve;
        options.signal?.addEventListener('abort', () => resolve());
      });
    }
  }
  return {
    ask: askEvents,
    calls,
    send(...events: AskEvent[]) {
      queue.push(...events);
      wake?.();
    },
    close() {
      closed = true;
      wake?.();
    },
  };
}

const detail: ConversationDetail = {
  id: conversationId,
  tenantId: 'acme',
  title: 'How do I run the tests?',
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
  messageCount: 2,
  messages: [
    {
      id: '44444444-4444-4444-8444-444444444444',
      role: 'user',
      content: 'How do I run the tests?',
      createdAt: '2026-12-01T10:00:00Z',
    },
    {
      id: answerId,
      role: 'assistant',
      content: 'Run `yarn test` [1].',
      citations: [citation],
      model: 'extractive',
      createdAt: '2026-12-01T10:00:00Z',
    },
  ],
};

function render(stream: ReturnType<typeof controlledAsk>, extra = {}) {
  const api = fakeApi({
    ask: stream.ask,
    listConversations: async () => [],
    getConversation: async () => detail,
    getPassage: async () => ({
      chunkId: citation.chunkId,
      documentId: 'doc-1',
      documentTitle: 'Runbooks',
      headingPath: ['Operations', 'Testing'],
      text: '## Testing\n\nRun yarn test from the repository root; CI runs the same.',
    }),
    ...extra,
  });
  return {
    api,
    rendered: renderDocuChat(
      <ChatView
        tenantId="acme"
        hasDocuments
        documentsLink="/docuchat/tenants/acme/documents"
      />,
      { api },
    ),
  };
}

async function ask(question: string) {
  const box = await screen.findByRole('textbox', { name: 'Question' });
  await userEvent.type(box, question);
  await userEvent.keyboard('{Enter}');
}

jest.setTimeout(30_000);

describe('ChatView', () => {
  it('streams tokens in order and opens a citation in the sources panel', async () => {
    const stream = controlledAsk();
    await render(stream).rendered;
    await ask('How do I run the tests?');
    expect(stream.calls[0]).toMatchObject({
      tenantId: 'acme',
      question: 'How do I run the tests?',
    });
    stream.send({ event: 'citations', data: { citations: [citation] } });
    stream.send({
      event: 'meta',
      data: {
        requestId: 'r1',
        conversationId,
        model: 'extractive',
        fallbacks: [],
      },
    });
    stream.send({ event: 'token', data: { text: 'Run ' } });
    stream.send({ event: 'token', data: { text: '`yarn test`' } });
    const answer = screen.getByTestId('docuchat-answer');
    await waitFor(() => expect(answer).toHaveTextContent('Run yarn test'));
    expect(screen.getByRole('log')).toHaveAttribute('aria-live', 'polite');
    stream.send({ event: 'token', data: { text: ' [1].' } });
    stream.send({
      event: 'done',
      data: {
        requestId: 'r1',
        conversationId,
        answer: 'Run `yarn test` [1].',
        model: 'extractive',
        citations: [citation],
        usage: [],
        fallbacks: [],
        cached: false,
      },
    });
    stream.close();
    expect(await screen.findByText('Answered by extractive')).toBeVisible();
    // The [1] in the text is a chip, as is the one in the sources row.
    const chips = screen.getAllByRole('button', { name: 'Source 1: Runbooks' });
    expect(chips.length).toBeGreaterThanOrEqual(2);
    await userEvent.click(chips[0]);
    const passage = await screen.findByTestId('docuchat-passage');
    expect(await within(passage).findByText(/CI runs the same/)).toBeVisible();
    expect(within(passage).getByText('Operations › Testing')).toBeVisible();
    // The passage's Markdown heading is a heading, not "## Testing" as text.
    expect(
      within(passage).getByRole('heading', { name: 'Testing' }),
    ).toBeVisible();
    expect(within(passage).queryByText(/##/)).toBeNull();
  });

  it('stops the stream and puts the question back in the box', async () => {
    const stream = controlledAsk();
    await render(stream).rendered;
    await ask('Why is the sky blue?');
    stream.send({ event: 'token', data: { text: 'Because' } });
    await waitFor(() =>
      expect(screen.getByTestId('docuchat-answer')).toHaveTextContent(
        'Because',
      ),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(stream.calls[0].signal?.aborted).toBe(true);
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Stopped. Your question is back in the box.',
    );
    expect(screen.getByRole('textbox', { name: 'Question' })).toHaveValue(
      'Why is the sky blue?',
    );
  });

  it('shows the error event', async () => {
    const stream = controlledAsk();
    await render(stream).rendered;
    await ask('first');
    stream.send({
      event: 'error',
      data: { name: 'ServiceUnavailableError', message: 'every model failed' },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'every model failed',
    );
  });

  it('says so when the stream breaks off', async () => {
    const broken = controlledAsk();
    broken.send({ event: 'token', data: { text: 'half an' } });
    broken.close();
    await render(broken).rendered;
    await ask('second');
    expect(
      await screen.findByText(/The answer broke off before it was complete/),
    ).toBeVisible();
  });

  it('shows the backend message of a refused question', async () => {
    const refused = {
      ...controlledAsk(),
      // eslint-disable-next-line require-yield
      ask: async function* refuse() {
        throw await responseError(429, 'TooManyRequestsError', 'slow down');
      } as any,
    };
    await render(refused).rendered;
    await ask('too fast');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Too many requests',
    );
  });

  it('stores feedback on an answer with a reason', async () => {
    const stream = controlledAsk();
    const sent: unknown[] = [];
    await render(stream, {
      sendFeedback: async (...args: unknown[]) => {
        sent.push(args);
        return args[3];
      },
    }).rendered;
    await ask('How do I run the tests?');
    stream.send(
      {
        event: 'meta',
        data: { requestId: 'r1', conversationId, model: 'm', fallbacks: [] },
      },
      {
        event: 'done',
        data: {
          requestId: 'r1',
          conversationId,
          answer: 'Run it.',
          model: 'm',
          citations: [],
          usage: [],
          fallbacks: [],
          cached: false,
        },
      },
    );
    stream.close();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Unhelpful answer' }),
    );
    fireEvent.change(
      screen.getByRole('textbox', { name: 'What was wrong? (optional)' }),
      { target: { value: 'Cites the wrong runbook' } },
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Send feedback' }),
    );
    await waitFor(() =>
      expect(sent).toEqual([
        [
          'acme',
          conversationId,
          answerId,
          { rating: 'down', reason: 'Cites the wrong runbook' },
        ],
      ]),
    );
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Unhelpful answer' }),
      ).toHaveAttribute('aria-pressed', 'true'),
    );
  });
});
