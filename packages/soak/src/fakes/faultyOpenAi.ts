import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { createHash } from 'node:crypto';
import { OpenAiCall, OpenAiFault } from '../record';
import {
  buildEmbeddingsResponse,
  chatCompletionsRoute,
  chatPromptTokens,
  openAiError,
  RouteContext,
  sendJson,
  startOpenAiTestServer,
} from '../testServers';
import { documentTagsIn, requestIdIn } from '../load/tags';

/**
 * The OpenAI wire test server with faults at a set rate, one base URL per
 * backend process (`/<instance>/v1`), so every call is known by the process
 * that made it, the ask or document it was for, what the server did and the
 * usage it reported.
 *
 * Faults, equally likely among themselves: a 500; a 429 with `Retry-After:
 * 1`; a hang (the client's timeout ends it); a cut (chat: the stream is cut,
 * half the time before the first token so the chain falls back, half after
 * it; embeddings: the connection is reset).
 */
export interface FaultyOpenAi {
  /** Registers the routes of one backend process; returns its base URL. */
  baseUrlFor(instance: string): string;
  calls: OpenAiCall[];
  close(): Promise<void>;
}

const FAULTS: OpenAiFault[] = ['status-500', 'status-429', 'hang', 'cut'];

const ANSWERS = [
  'The backups of this environment are checked every few hours by the operator on duty [1], who writes down what was seen and what was done, and restores are rehearsed weekly [2].',
  'According to the runbook [1], replicas are restarted one at a time; the operator checks readiness before moving on, and invoices are only reissued after a void [2].',
  'Leases expire after a minute [1]; another worker then claims the job, so nothing stays stuck when a machine dies, and the audit log records who did what [2].',
];
const CHUNK_DELAY_MS = 25;

export async function startFaultyOpenAi(options: {
  random: () => number;
  faultRate: number;
}): Promise<FaultyOpenAi> {
  const { random, faultRate } = options;
  const server = await startOpenAiTestServer();
  const calls: OpenAiCall[] = [];
  const origin = server.baseURL.replace(/\/v1$/, '');

  const pickFault = (): OpenAiFault =>
    random() < faultRate
      ? FAULTS[Math.floor(random() * FAULTS.length)]
      : 'none';

  /** Records the call; marks it delivered when a whole answer finished. */
  const track = (
    ctx: RouteContext,
    call: Omit<
      OpenAiCall,
      | 'delivered'
      | 'promptTokens'
      | 'completionTokens'
      | 'start'
      | 'requestHash'
    >,
    usage: () => { promptTokens: number; completionTokens: number },
  ) => {
    const record: OpenAiCall = {
      ...call,
      requestHash: createHash('sha256')
        .update(JSON.stringify(ctx.request.body ?? null))
        .digest('hex')
        .slice(0, 16),
      delivered: false,
      promptTokens: 0,
      completionTokens: 0,
      start: Date.now(),
    };
    calls.push(record);
    void ctx.request.closed.then(state => {
      record.end = Date.now();
      if (state === 'finished' && record.fault === 'none') {
        record.delivered = true;
        Object.assign(record, usage());
      }
    });
    return record;
  };

  const chat = (instance: string) => async (ctx: RouteContext) => {
    const body = ctx.request.body ?? {};
    const messages: Array<{ role: string; content?: unknown }> = Array.isArray(
      body.messages,
    )
      ? body.messages
      : [];
    const question = String(
      [...messages].reverse().find(m => m.role === 'user')?.content ?? '',
    );
    const text = ANSWERS[Math.floor(random() * ANSWERS.length)];
    const usage = {
      prompt_tokens: chatPromptTokens(messages),
      completion_tokens: countTokens(text),
    };
    const fault = pickFault();
    track(
      ctx,
      {
        instance,
        operation: 'chat',
        model: String(body.model),
        askRequestId: requestIdIn(question),
        fault,
      },
      () => ({
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
      }),
    );
    await answer(ctx, fault, {
      normal: chatCompletionsRoute({
        text,
        usage,
        chunkDelayMs: CHUNK_DELAY_MS,
      }),
      // Index 0 is the role chunk: a cut after it comes before the first
      // token (the chain falls back), later ones after it (the answer breaks).
      cut: chatCompletionsRoute({
        text,
        usage,
        chunkDelayMs: CHUNK_DELAY_MS,
        cutAfterChunks: random() < 0.5 ? 1 : 2 + Math.floor(random() * 8),
      }),
    });
  };

  const embeddings = (instance: string) => async (ctx: RouteContext) => {
    const body = ctx.request.body ?? {};
    const inputs: string[] = Array.isArray(body.input)
      ? body.input
      : [String(body.input ?? '')];
    const joined = inputs.join('\n');
    const built = buildEmbeddingsResponse(body);
    const fault = pickFault();
    const askRequestId = requestIdIn(joined);
    track(
      ctx,
      {
        instance,
        operation: 'embedding',
        model: String(body.model),
        askRequestId,
        documentTags: askRequestId ? undefined : documentTagsIn(joined),
        fault: built.status === 200 ? fault : 'none',
      },
      () => ({
        promptTokens: built.status === 200 ? built.body.usage.prompt_tokens : 0,
        completionTokens: 0,
      }),
    );
    if (built.status !== 200) {
      sendJson(ctx.res, built.status, built.body);
      return;
    }
    await answer(ctx, fault, {
      normal: ({ res }) => sendJson(res, 200, built.body),
      cut: ({ req }) => {
        req.socket.resetAndDestroy();
      },
    });
  };

  return {
    calls,
    baseUrlFor(instance) {
      server.route(`POST /${instance}/v1/chat/completions`, chat(instance));
      server.route(`POST /${instance}/v1/embeddings`, embeddings(instance));
      return `${origin}/${instance}/v1`;
    },
    close: () => server.close(),
  };
}

async function answer(
  ctx: RouteContext,
  fault: OpenAiFault,
  handlers: {
    normal: (ctx: RouteContext) => void | Promise<void>;
    cut: (ctx: RouteContext) => void | Promise<void>;
  },
) {
  // This process is loaded too: a request can wait here longer than its
  // client's timeout. Let the event loop see a client that already gave up
  // (its socket closed) before answering into the void.
  await new Promise(resolve => setTimeout(resolve, 1));
  if (ctx.res.destroyed || ctx.req.socket.destroyed) return;
  switch (fault) {
    case 'status-500':
      sendJson(
        ctx.res,
        500,
        openAiError(
          'The server had an error while processing your request. Sorry about that!',
          'server_error',
        ),
      );
      return;
    case 'status-429':
      sendJson(
        ctx.res,
        429,
        openAiError(
          'Rate limit reached for requests. Please try again later.',
          'requests',
          'rate_limit_exceeded',
        ),
        { 'retry-after': '1' },
      );
      return;
    case 'hang':
      return; // until the client gives up (or the server closes)
    case 'cut':
      await handlers.cut(ctx);
      return;
    default:
      await handlers.normal(ctx);
  }
}
