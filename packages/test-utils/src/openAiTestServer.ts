/**
 * A local HTTP server that speaks the OpenAI API, for tests that run the real
 * `openai` client (with its retries, timeouts and base64 decoding) without
 * network access.
 *
 * Layout, so new endpoints slot in without touching the machinery:
 * - Routes: `'POST /v1/embeddings'` and `'POST /v1/chat/completions'` (plain
 *   and SSE streaming with the usage chunk) → a `RouteHandler` that answers
 *   like the real API. Add one with `startOpenAiTestServer({ routes })` or
 *   `server.route(...)`; a handler gets raw `res` access.
 * - Behaviours: what the next requests to a route get instead of (or before)
 *   the normal answer: an error status with headers, a hang, a connection
 *   reset, or any custom handler (a stream cut halfway is a custom handler
 *   that writes some chunks and destroys the socket). Scripted per route,
 *   consumed in order; an empty script means the route's normal answer.
 * - Every request is recorded (body parsed) before its behaviour runs, so
 *   tests count attempts, failed ones included, and see when and how its
 *   connection closed (a client abort shows as `'early'`).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { countTokens } from 'gpt-tokenizer/model/text-embedding-3-small';
import { countTokens as countChatTokens } from 'gpt-tokenizer/encoding/o200k_base';

/** One request as the server saw it. */
export interface RecordedRequest {
  /** `'POST /v1/embeddings'`: method and path without the query string. */
  route: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, parsed; the raw text when it is not JSON. */
  body: any;
  /** What the server did with it. */
  behaviour: Behaviour['kind'];
  /**
   * Settles when the connection of this request closes: `'finished'` after a
   * complete answer, `'early'` when it closed first (the client aborted, or a
   * behaviour cut or reset it).
   */
  closed: Promise<'finished' | 'early'>;
}

/** What a route handler or custom behaviour gets. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  request: RecordedRequest;
}

/** Answers one request: write to `ctx.res` (or leave it open, or destroy it). */
export type RouteHandler = (ctx: RouteContext) => void | Promise<void>;

/** How the server treats one request to a scripted route. */
export type Behaviour =
  /** The route's normal answer, optionally after a delay. */
  | { kind: 'respond'; delayMs?: number }
  /** An error answer in OpenAI's shape (or `body` as given). */
  | {
      kind: 'status';
      status: number;
      headers?: Record<string, string>;
      body?: unknown;
    }
  /** Reads the request, never answers (until the client gives up or close()). */
  | { kind: 'hang' }
  /** Drops the TCP connection (RST) without an answer. */
  | { kind: 'reset' }
  /** Anything else, e.g. a malformed or partial answer. */
  | { kind: 'custom'; handle: RouteHandler };

/** Ready-made behaviours with the bodies and headers the real API sends. */
export const behaviours = {
  respond: (options: { delayMs?: number } = {}): Behaviour => ({
    kind: 'respond',
    ...options,
  }),
  rateLimited: (
    options: { retryAfterSeconds?: number; retryAfterMs?: number } = {},
  ): Behaviour => ({
    kind: 'status',
    status: 429,
    headers: {
      ...(options.retryAfterSeconds !== undefined && {
        'retry-after': String(options.retryAfterSeconds),
      }),
      ...(options.retryAfterMs !== undefined && {
        'retry-after-ms': String(options.retryAfterMs),
      }),
    },
    body: openAiError(
      'Rate limit reached for requests. Please try again later.',
      'requests',
      'rate_limit_exceeded',
    ),
  }),
  serverError: (status = 500): Behaviour => ({
    kind: 'status',
    status,
    body: openAiError(
      'The server had an error while processing your request. Sorry about that!',
      'server_error',
    ),
  }),
  /** A 400 like Azure OpenAI's when its filter blocks the prompt. */
  contentFilterRejection: (): Behaviour => ({
    kind: 'status',
    status: 400,
    body: openAiError(
      'The response was filtered due to the prompt triggering content management policy.',
      'invalid_request_error',
      'content_filter',
      'prompt',
    ),
  }),
  /**
   * A chat completion other than the route's default: another text, a
   * `content_filter` finish, usage numbers of the test's choosing, or a
   * stream that is cut or stalls after some chunks.
   */
  chatAnswer: (options: ChatAnswerOptions = {}): Behaviour => ({
    kind: 'custom',
    handle: chatCompletionsRoute(options),
  }),
  hang: (): Behaviour => ({ kind: 'hang' }),
  reset: (): Behaviour => ({ kind: 'reset' }),
  custom: (handle: RouteHandler): Behaviour => ({ kind: 'custom', handle }),
};

export interface OpenAiTestServer {
  /** `http://127.0.0.1:<port>/v1`: pass as the client's `baseURL`. */
  baseURL: string;
  /** Every request so far, in arrival order. */
  requests: RecordedRequest[];
  /** The recorded requests of one route, e.g. `'POST /v1/embeddings'`. */
  requestsTo(route: string): RecordedRequest[];
  /** Queues behaviours for the next requests to `route`, in order. */
  script(route: string, ...queued: Behaviour[]): void;
  /** Adds or replaces the normal answer of a route. */
  route(route: string, handler: RouteHandler): void;
  /** Stops listening and drops open connections (hung requests included). */
  close(): Promise<void>;
}

export interface OpenAiTestServerOptions {
  /** Extra or replacement routes, keyed `'METHOD /path'`. */
  routes?: Record<string, RouteHandler>;
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
}

// --- Helpers for route handlers -------------------------------------------

/** The error body the API sends: `{ error: { message, type, param, code } }`. */
export function openAiError(
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
) {
  return { error: { message, type, param, code } };
}

/** Writes a JSON answer with the headers the API sends on every answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req_${randomUUID().replace(/-/g, '')}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// --- POST /v1/embeddings ------------------------------------------------------

/**
 * Native sizes the fake answers with when `dimensions` is not sent. Other
 * model names (an OpenAI-compatible server's models) get 768, so tests can
 * see a provider trust its configured size rather than a table.
 */
const NATIVE_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};
const OTHER_MODEL_DIMENSIONS = 768;

/**
 * A unit vector derived from the text's SHA-256 (the same text always gets
 * the same vector, different texts unrelated ones), so tests can check which
 * vector belongs to which input.
 */
export function deterministicEmbedding(
  text: string,
  dimensions: number,
): Float32Array {
  const seed = createHash('sha256').update(text).digest();
  // mulberry32, seeded from the hash: cheap and good enough for test vectors.
  let state = seed.readUInt32LE(0);
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const vector = new Float32Array(dimensions);
  let sumOfSquares = 0;
  for (let i = 0; i < dimensions; i++) {
    vector[i] = next() * 2 - 1;
    sumOfSquares += vector[i] * vector[i];
  }
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let i = 0; i < dimensions; i++) vector[i] *= scale;
  return vector;
}

/**
 * The answer the real API gives to an embeddings request body, or an error
 * (status and body) where the real API rejects it. Exported so a custom
 * behaviour can start from the real answer and break it (reorder, drop).
 */
export function buildEmbeddingsResponse(
  body: any,
): { status: 200; body: any } | { status: number; body: any } {
  const invalid = (message: string, param: string | null = null) => ({
    status: 400,
    body: openAiError(message, 'invalid_request_error', null, param),
  });
  if (!body || typeof body !== 'object') {
    return invalid('We could not parse the JSON body of your request.');
  }
  const { model, input, dimensions, encoding_format: format } = body;
  if (typeof model !== 'string' || model === '') {
    return invalid('you must provide a model parameter', 'model');
  }
  const inputs: unknown[] = typeof input === 'string' ? [input] : input;
  if (
    !Array.isArray(inputs) ||
    inputs.length === 0 ||
    inputs.length > 2048 ||
    inputs.some(i => !(typeof i === 'string' && i.length > 0))
  ) {
    // Token-id inputs (number arrays) are valid for the real API; no test
    // here needs them, so they are rejected rather than half supported.
    return invalid("'$.input' is invalid.", 'input');
  }
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    return invalid(`Invalid encoding_format: ${format}`, 'encoding_format');
  }
  const native = NATIVE_DIMENSIONS[model] ?? OTHER_MODEL_DIMENSIONS;
  if (dimensions !== undefined) {
    if (model === 'text-embedding-ada-002') {
      return invalid(
        'This model does not support specifying dimensions.',
        'dimensions',
      );
    }
    if (
      !Number.isInteger(dimensions) ||
      dimensions < 1 ||
      dimensions > native
    ) {
      return invalid(`Invalid value for 'dimensions'.`, 'dimensions');
    }
  }
  const size = dimensions ?? native;
  const tokens = (inputs as string[]).reduce(
    (sum, text) => sum + countTokens(text),
    0,
  );
  return {
    status: 200,
    body: {
      object: 'list',
      data: (inputs as string[]).map((text, index) => {
        const vector = deterministicEmbedding(text, size);
        return {
          object: 'embedding',
          index,
          embedding:
            format === 'base64' ? toBase64Float32(vector) : Array.from(vector),
        };
      }),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}

/** Float32 values as the API sends them: little-endian bytes, base64. */
function toBase64Float32(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

/** The normal answer of `POST /v1/embeddings`. */
export const embeddingsRoute: RouteHandler = ({ res, request }) => {
  const { status, body } = buildEmbeddingsResponse(request.body);
  sendJson(res, status, body, { 'openai-processing-ms': '3' });
};

// --- POST /v1/chat/completions ------------------------------------------------

export const DEFAULT_CHAT_ANSWER =
  'The test server answers every question with this sentence.';

const CUT_PAUSE_MS = 30;

/** How `chatCompletionsRoute` answers. */
export interface ChatAnswerOptions {
  /** The assistant's text. Default `DEFAULT_CHAT_ANSWER`. */
  text?: string;
  /** Default `'stop'`. */
  finishReason?: 'stop' | 'length' | 'content_filter';
  /** Reported usage; default counted (o200k) from the messages and text. */
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Streaming: destroys the socket after this many `data:` events. */
  cutAfterChunks?: number;
  /**
   * Streaming: after this many `data:` events (0: right after the headers)
   * writes nothing more and keeps the connection open.
   */
  stallAfterChunks?: number;
  /** Streaming: pause before each `data:` event. */
  chunkDelayMs?: number;
}

/**
 * Usage the way the API counts it: each message's content plus about 3
 * tokens of framing per message, and 3 to prime the reply.
 */
export function chatPromptTokens(messages: Array<{ content?: unknown }>) {
  return messages.reduce(
    (sum, message) =>
      sum +
      3 +
      (typeof message.content === 'string'
        ? countChatTokens(message.content)
        : 0),
    3,
  );
}

/** The text cut into deltas the way models stream it: a word at a time. */
export function splitIntoDeltas(text: string): string[] {
  return text.split(/(?<=\s)(?=\S)/).filter(delta => delta !== '');
}

/**
 * `POST /v1/chat/completions` as the API answers it: a `chat.completion`
 * object, or with `stream: true` server-sent events of
 * `chat.completion.chunk`s (first the role, then content deltas, then the
 * finish reason), each with `usage: null` when `stream_options.include_usage`
 * is set, followed by the usage chunk with `choices: []`, then
 * `data: [DONE]`.
 */
export function chatCompletionsRoute(
  options: ChatAnswerOptions = {},
): RouteHandler {
  return async ({ res, request }) => {
    const body = request.body;
    const invalid = (message: string, param: string) =>
      sendJson(
        res,
        400,
        openAiError(message, 'invalid_request_error', null, param),
      );
    if (!body || typeof body.model !== 'string' || body.model === '') {
      invalid('you must provide a model parameter', 'model');
      return;
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      invalid("'messages' must contain at least one message.", 'messages');
      return;
    }
    const text = options.text ?? DEFAULT_CHAT_ANSWER;
    const finishReason = options.finishReason ?? 'stop';
    const promptTokens =
      options.usage?.prompt_tokens ?? chatPromptTokens(body.messages);
    const completionTokens =
      options.usage?.completion_tokens ?? countChatTokens(text);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    const created = Math.floor(Date.now() / 1000);

    if (body.stream !== true) {
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: finishReason === 'content_filter' ? null : text,
              refusal: null,
            },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage,
      });
      return;
    }

    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (choices: unknown[], chunkUsage: unknown = null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      system_fingerprint: null,
      choices,
      ...(includeUsage && { usage: chunkUsage }),
    });
    const choice = (delta: object, finish: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    });
    const events: string[] = [
      chunk([choice({ role: 'assistant', content: '', refusal: null })]),
      // A filtered answer stops before any content.
      ...(finishReason === 'content_filter'
        ? []
        : splitIntoDeltas(text).map(delta =>
            chunk([choice({ content: delta })]),
          )),
      chunk([choice({}, finishReason)]),
      ...(includeUsage ? [chunk([], usage)] : []),
    ].map(event => `data: ${JSON.stringify(event)}\n\n`);
    events.push('data: [DONE]\n\n');

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': `req_${randomUUID().replace(/-/g, '')}`,
    });
    res.flushHeaders();
    for (const [index, event] of events.entries()) {
      if (index === options.stallAfterChunks) return;
      if (index === options.cutAfterChunks) {
        // A pause first, so the client has read what was sent, as when a
        // connection drops mid-answer: undici discards body data it has
        // not handed out yet when the socket errors.
        await new Promise(resolve => setTimeout(resolve, CUT_PAUSE_MS));
        res.socket?.destroy();
        return;
      }
      if (options.chunkDelayMs) {
        await new Promise(resolve => setTimeout(resolve, options.chunkDelayMs));
      }
      if (res.destroyed) return;
      res.write(event);
    }
    if (options.stallAfterChunks === events.length) return;
    res.end();
  };
}

// --- The server ---------------------------------------------------------------

/** Starts a server on 127.0.0.1 on a free port. */
export async function startOpenAiTestServer(
  options: OpenAiTestServerOptions = {},
): Promise<OpenAiTestServer> {
  const routes = new Map<string, RouteHandler>(
    Object.entries({
      'POST /v1/embeddings': embeddingsRoute,
      'POST /v1/chat/completions': chatCompletionsRoute(),
      ...options.routes,
    }),
  );
  const scripts = new Map<string, Behaviour[]>();
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch(error => {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, openAiError(String(error), 'server_error'));
      } else {
        res.destroy();
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${path}`;
    const text = await readBody(req);
    const behaviour = scripts.get(route)?.shift() ?? { kind: 'respond' };
    const request: RecordedRequest = {
      route,
      headers: req.headers,
      body: parseJson(text),
      behaviour: behaviour.kind,
      closed: new Promise(resolve =>
        res.once('close', () =>
          resolve(res.writableFinished ? 'finished' : 'early'),
        ),
      ),
    };
    requests.push(request);
    const ctx = { req, res, request };

    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'status':
        sendJson(
          res,
          behaviour.status,
          behaviour.body ?? openAiError(`Status ${behaviour.status}`, 'error'),
          behaviour.headers,
        );
        return;
      case 'custom':
        await behaviour.handle(ctx);
        return;
      case 'respond':
      default:
        if (behaviour.delayMs) {
          await new Promise(resolve => setTimeout(resolve, behaviour.delayMs));
          if (res.destroyed) return;
        }
        await respond(ctx);
    }
  }

  /** The normal answer: authentication, then the route's handler. */
  async function respond(ctx: RouteContext) {
    const { req, res, request } = ctx;
    if (
      options.apiKey !== undefined &&
      req.headers.authorization !== `Bearer ${options.apiKey}`
    ) {
      sendJson(
        res,
        401,
        openAiError(
          'Incorrect API key provided.',
          'invalid_request_error',
          'invalid_api_key',
        ),
      );
      return;
    }
    const handler = routes.get(request.route);
    if (!handler) {
      sendJson(
        res,
        404,
        openAiError(
          `Unknown request URL: ${request.route}`,
          'invalid_request_error',
          'unknown_url',
        ),
      );
      return;
    }
    await handler(ctx);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    requestsTo: route => requests.filter(r => r.route === route),
    script(route, ...queued) {
      scripts.set(route, [...(scripts.get(route) ?? []), ...queued]);
    },
    route(route, handler) {
      routes.set(route, handler);
    },
    close() {
      return new Promise<void>(resolve => {
        server.close(() => resolve());
        // Hung requests and keep-alive sockets would keep close() waiting.
        server.closeAllConnections();
      });
    },
  };
}
