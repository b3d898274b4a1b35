import { z } from 'zod';

/**
 * One earlier turn the client sends along when it keeps its own history.
 *
 * @public
 */
export const chatTurnSchema = z
  .object({
    role: z.enum(['user', 'assistant']),
    content: z.string().max(8000),
  })
  .strict();

/** @public */
export type ChatTurn = z.infer<typeof chatTurnSchema>;

/**
 * The longest question `askRequestSchema` accepts, in characters; the page's
 * question box shows it.
 *
 * @public
 */
export const MAX_QUESTION_LENGTH = 4000;

/**
 * Body of `POST /tenants/:tenantId/ask`.
 *
 * `conversationId` continues a stored conversation (its earlier turns become
 * the history); `history` is for clients that keep their own. `requestId` is
 * the idempotency key of the call: a retry with the same id is refused
 * instead of being answered and billed twice.
 *
 * @public
 */
export const askRequestSchema = z
  .object({
    question: z.string().trim().min(1, 'is required').max(MAX_QUESTION_LENGTH),
    history: z.array(chatTurnSchema).max(20).optional(),
    k: z.number().int().min(1).max(20).optional(),
    conversationId: z.string().uuid().optional(),
    /** false: one JSON body instead of server-sent events. Default true. */
    stream: z.boolean().optional(),
    requestId: z
      .string()
      .regex(
        /^[A-Za-z0-9._:-]{8,100}$/,
        'must be 8-100 characters of letters, digits, ".", "_", ":" or "-"',
      )
      .optional(),
  })
  .strict()
  .refine(body => !(body.history && body.conversationId), {
    message: 'send either history or conversationId, not both',
  });

/** @public */
export type AskRequest = z.infer<typeof askRequestSchema>;

/**
 * A source the answer may cite as `[n]`. Always a chunk of the asking
 * tenant.
 *
 * @public
 */
export interface Citation {
  n: number;
  chunkId: string;
  documentId: string;
  documentTitle: string;
  headingPath: string[];
  /** The start of the chunk, for a tooltip. */
  snippet: string;
  /** The portal page of a source's document (TechDocs page, entity). */
  sourceUrl?: string;
  score: number;
}

/**
 * Tokens one model call of the answer cost, as recorded in the usage ledger.
 *
 * @public
 */
export interface AskUsage {
  model: string;
  operation: 'chat' | 'embedding';
  promptTokens: number;
  completionTokens: number;
  /** Counted locally because the provider did not report them. */
  estimated: boolean;
}

/**
 * A step down the model chain taken for this answer.
 *
 * @public
 */
export interface AskFallback {
  from: string;
  to: string;
  reason: string;
}

/**
 * The whole answer: the JSON mode's body, and what the event stream adds up to.
 *
 * @public
 */
export interface AskResponse {
  requestId: string;
  conversationId?: string;
  answer: string;
  /** The model that wrote the answer, e.g. `openai:gpt-4o-mini`. */
  model: string;
  citations: Citation[];
  usage: AskUsage[];
  fallbacks: AskFallback[];
  /** True when the answer came from the answer cache (no model was called). */
  cached: boolean;
}

/**
 * Server-sent events of the streaming mode, in order: `citations` (right
 * after retrieval), `meta` (once a model has started answering: which one,
 * after which fallbacks), any number of `token`, `usage`, then `done`; or
 * `error` at any point after the stream began.
 *
 * @public
 */
export type AskEvent =
  | { event: 'citations'; data: { citations: Citation[] } }
  | {
      event: 'meta';
      data: {
        requestId: string;
        conversationId?: string;
        model: string;
        fallbacks: AskFallback[];
      };
    }
  | { event: 'token'; data: { text: string } }
  | { event: 'usage'; data: { usage: AskUsage[] } }
  | { event: 'done'; data: AskResponse }
  | { event: 'error'; data: { name: string; message: string } };
