import { z } from 'zod';
import { AnswerKey, AskAnswerCache, CachedAnswer } from './AskService';
import { digestKeyMaterial, normalizeQuery } from '../cache/cacheKeys';
import { GuardedCache } from '../cache/GuardedCache';

/** Bumped whenever the stored shape changes: old entries become misses. */
const FORMAT = 1;

const citationSchema = z.object({
  n: z.number(),
  chunkId: z.string(),
  documentId: z.string(),
  documentTitle: z.string(),
  headingPath: z.array(z.string()),
  snippet: z.string(),
  score: z.number(),
  sourceUrl: z.string().optional(),
});

const storedAnswerSchema = z.object({
  format: z.literal(FORMAT),
  // Repeated inside the value so that a hit is checked against the asker
  // and the corpus, not only found by key.
  tenantId: z.string(),
  revision: z.string(),
  answer: z.object({
    answer: z.string(),
    model: z.string(),
    citations: z.array(citationSchema),
    usage: z.array(
      z.object({
        model: z.string(),
        operation: z.enum(['chat', 'embedding']),
        promptTokens: z.number(),
        completionTokens: z.number(),
        estimated: z.boolean(),
      }),
    ),
    fallbacks: z.array(
      z.object({ from: z.string(), to: z.string(), reason: z.string() }),
    ),
  }),
});

type StoredAnswer = z.infer<typeof storedAnswerSchema>;

/**
 * Whole answers by (tenant, the tenant's corpus revision, the chain's model
 * ids, k, normalized question). Any upload, deletion or re-ingestion changes
 * the revision, so a stale answer is never served; a changed model chain or
 * `k` is a different question too.
 *
 * Only for questions asked without history: with earlier turns the same
 * words can mean something else. The caller (AskService) decides this and
 * does not call the cache for them.
 *
 * Tenants never share an entry: the tenant id is both the key's readable
 * prefix (`answer:v1:<tenant>:…`, for operators) and part of the hashed
 * material, and the stored entry names its tenant and revision, which a
 * read checks again. Entries that fail validation (corrupt, another
 * format) are misses.
 */
export class AnswerCache implements AskAnswerCache {
  readonly #cache: GuardedCache;
  readonly #ttlMs: number;

  constructor(options: { cache: GuardedCache; ttlSeconds: number }) {
    if (!(options.ttlSeconds > 0)) {
      throw new Error('AnswerCache needs a positive ttlSeconds');
    }
    this.#cache = options.cache;
    this.#ttlMs = options.ttlSeconds * 1000;
  }

  async get(key: AnswerKey): Promise<CachedAnswer | undefined> {
    const parsed = storedAnswerSchema.safeParse(
      await this.#cache.get(answerCacheKey(key)),
    );
    if (!parsed.success) return undefined;
    const { tenantId, revision, answer } = parsed.data;
    if (tenantId !== key.tenantId || revision !== key.revision) {
      return undefined;
    }
    return answer;
  }

  async set(key: AnswerKey, answer: CachedAnswer): Promise<void> {
    // Field by field, so nothing request-specific (requestId,
    // conversationId) that a caller passes along gets shared.
    const stored: StoredAnswer = {
      format: FORMAT,
      tenantId: key.tenantId,
      revision: key.revision,
      answer: {
        answer: answer.answer,
        model: answer.model,
        citations: answer.citations,
        usage: answer.usage,
        fallbacks: answer.fallbacks,
      },
    };
    // Never store what `get` would refuse.
    if (!storedAnswerSchema.safeParse(stored).success) return;
    await this.#cache.set(answerCacheKey(key), stored, this.#ttlMs);
  }
}

/** The cache service key of an answer (exported for tests and ops). */
export function answerCacheKey(key: AnswerKey): string {
  const digest = digestKeyMaterial([
    key.tenantId,
    key.revision,
    key.models,
    key.k,
    normalizeQuery(key.question),
  ]);
  return `answer:v${FORMAT}:${key.tenantId}:${digest}`;
}
