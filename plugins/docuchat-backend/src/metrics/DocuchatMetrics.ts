import { ChatModelFailureReason } from '@docuchat/backstage-plugin-docuchat-node';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';
import { TextCounter } from './TextCounter';
import { BillingState, registerBillingMetrics } from './billingMetrics';

/** What a call to a model was for. */
export type ModelOperation = 'chat' | 'embedding';

/**
 * How a call to a model ended: answered, failed for good, or failed and
 * handed over to the next model of the chain.
 */
export type ModelRequestOutcome = 'success' | 'error' | 'fallback';

/**
 * How a question ended, from the tenant's point of view; `aborted`: the
 * client left before the answer was complete.
 */
export type RagQueryOutcome =
  | 'answered'
  | 'no_sources'
  | 'error'
  | 'cached'
  | 'aborted';

/** One finished HTTP request, as the HTTP metrics middleware saw it. */
export interface HttpRequestObservation {
  method: string;
  /** A route template such as `/tenants/:tenantId/ask`, never a raw path. */
  route: string;
  status: string;
  seconds: number;
}

/**
 * The latency target of the SLO (seconds): API requests other than the
 * streamed ask, and the first token of a streamed answer. The histograms
 * have a bucket exactly here, so the SLO's "fast enough" share is a bucket
 * count, not an interpolation between 1 and 2.5 s.
 */
export const LATENCY_TARGET_SECONDS = 2;

/**
 * Seconds. prom-client's defaults stop at 10 s, but a streamed answer
 * (`POST /tenants/:tenantId/ask`) or an upload can take longer; without the
 * upper buckets those would all land in `+Inf`.
 */
export const HTTP_DURATION_BUCKETS = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  LATENCY_TARGET_SECONDS,
  2.5,
  5,
  10,
  30,
  60,
];

/** Seconds to the first token of a streamed answer; see `observeFirstToken`. */
export const FIRST_TOKEN_BUCKETS = [
  0.1,
  0.25,
  0.5,
  1,
  1.5,
  LATENCY_TARGET_SECONDS,
  3,
  5,
  10,
  30,
];

/**
 * Seconds to parse and chunk one document in a parser worker: tens of
 * milliseconds for a page of text, up to the parse timeout (60 s default)
 * for a document stopped by it.
 */
export const PARSE_DURATION_BUCKETS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * The DocuChat backend's Prometheus metrics, in a registry of its own.
 *
 * A private registry rather than prom-client's global one: another plugin
 * or library in the same backend registering the same names (or calling
 * `collectDefaultMetrics` on the global registry) would otherwise make one
 * of them throw at start-up, and `GET /api/docuchat/metrics` would serve
 * whatever else landed in the global registry.
 *
 * Every label value must come from a bounded set: tenant ids of existing
 * tenants (check the tenant before counting), configured model ids, route
 * templates. A label fed from user input (a raw path, a user id, an unknown
 * tenant id from a URL) grows the registry, and the cost of every scrape,
 * without limit.
 */
export class DocuchatMetrics {
  readonly #registry: Registry;
  readonly #tokens: TextCounter<'tenant' | 'direction' | 'model'>;
  readonly #fallbacks: Counter<'from_model' | 'to_model' | 'reason'>;
  readonly #httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly #modelRequests: Counter<'model' | 'operation' | 'outcome'>;
  readonly #ragQueries: TextCounter<'tenant' | 'outcome'>;
  readonly #indexedChunks: TextCounter<'tenant'>;
  readonly #firstToken: Histogram;
  readonly #dailyTokenBudget: Gauge<'tenant'>;
  readonly #answerFeedback: TextCounter<'tenant' | 'rating'>;
  readonly #parseDuration: Histogram<'format' | 'outcome'>;
  readonly #ingestionFailures: Counter<'reason'>;

  constructor() {
    this.#registry = new Registry();
    const registers = [this.#registry];
    collectDefaultMetrics({ register: this.#registry });
    // prom-client names these three gauges `_total`, which Prometheus keeps
    // for counters (`promtool check metrics` fails on them). Nothing is
    // lost: `nodejs_active_handles` (and _requests, _resources) by type
    // sum to the same numbers.
    for (const name of MISNAMED_DEFAULT_GAUGES) {
      this.#registry.removeSingleMetric(name);
    }

    // The families with a series per tenant are TextCounters: prom-client
    // spends most of a scrape re-formatting them (see TextCounter).
    this.#tokens = new TextCounter({
      name: 'openai_tokens_total',
      help: 'Tokens sent to (prompt) and received from (completion) models, per tenant and model.',
      labelNames: ['tenant', 'direction', 'model'],
    });
    this.#fallbacks = new Counter({
      name: 'ml_fallback_total',
      help: 'Steps down the chat model chain, from one model to the next, by failure reason.',
      labelNames: ['from_model', 'to_model', 'reason'],
      registers,
    });
    this.#httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of DocuChat API requests, by route template ("unmatched" when no route matched).',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_DURATION_BUCKETS,
      registers,
    });
    this.#modelRequests = new Counter({
      name: 'openai_request_total',
      help: 'Calls to chat and embedding models, by outcome.',
      labelNames: ['model', 'operation', 'outcome'],
      registers,
    });
    this.#ragQueries = new TextCounter({
      name: 'rag_query_total',
      help: 'Questions asked, per tenant, by outcome.',
      labelNames: ['tenant', 'outcome'],
    });
    // A counter, not a gauge of the current size: Prometheus reserves the
    // `_total` suffix for counters (promtool rejects a gauge named so), and
    // the current size is a query on the database away.
    this.#indexedChunks = new TextCounter({
      name: 'document_chunks_total',
      help: 'Document chunks indexed (embedded and stored), per tenant, since the backend started.',
      labelNames: ['tenant'],
    });
    this.#firstToken = new Histogram({
      name: 'docuchat_ask_first_token_seconds',
      help: 'Time from a streamed question to its first answer token: what the asker waits for.',
      buckets: FIRST_TOKEN_BUCKETS,
      registers,
    });
    this.#dailyTokenBudget = new Gauge({
      name: 'docuchat_tenant_daily_token_budget',
      help: 'Tokens a tenant may spend per billing day; no series for a tenant without a budget.',
      labelNames: ['tenant'],
      registers,
    });
    this.#answerFeedback = new TextCounter({
      name: 'docuchat_answer_feedback_total',
      help: 'Ratings users gave answers (up or down), per tenant.',
      labelNames: ['tenant', 'rating'],
    });
    this.#parseDuration = new Histogram({
      name: 'docuchat_document_parse_seconds',
      help: 'Time to parse and chunk one uploaded document in a parser worker, by format and outcome (ok or failed).',
      labelNames: ['format', 'outcome'],
      buckets: PARSE_DURATION_BUCKETS,
      registers,
    });
    this.#ingestionFailures = new Counter({
      name: 'docuchat_ingestion_failures_total',
      help: 'Documents whose ingestion failed, by reason: a limit (pdf-pages, inflated-bytes, nesting-depth, run-length, chunks, timeout, memory), an unreadable document (corrupt, encoding, encrypted, empty, no-text), crashed, interrupted or other.',
      labelNames: ['reason'],
      registers,
    });
  }

  /** Records the parse of one document; `format` is one of the five parsed. */
  observeParse(format: string, seconds: number, outcome: 'ok' | 'failed') {
    this.#parseDuration.observe({ format, outcome }, seconds);
  }

  /** Counts one document that ended failed; `reason` comes from a bounded set. */
  countIngestionFailure(reason: string): void {
    this.#ingestionFailures.inc({ reason });
  }

  /** Counts a model call's tokens; zero counts create no series. */
  countTokens(usage: {
    tenantId: string;
    model: string;
    promptTokens: number;
    completionTokens: number;
  }): void {
    const { tenantId, model, promptTokens, completionTokens } = usage;
    assertCount('promptTokens', promptTokens);
    assertCount('completionTokens', completionTokens);
    if (promptTokens > 0) {
      this.#tokens.inc(
        { tenant: tenantId, direction: 'prompt', model },
        promptTokens,
      );
    }
    if (completionTokens > 0) {
      this.#tokens.inc(
        { tenant: tenantId, direction: 'completion', model },
        completionTokens,
      );
    }
  }

  /** Counts one call to a chat or embedding model. */
  countModelRequest(
    model: string,
    operation: ModelOperation,
    outcome: ModelRequestOutcome,
  ): void {
    this.#modelRequests.inc({ model, operation, outcome });
  }

  /** Counts one question asked of a tenant's documents. */
  countRagQuery(tenantId: string, outcome: RagQueryOutcome): void {
    this.#ragQueries.inc({ tenant: tenantId, outcome });
  }

  /** Counts chunks written to a tenant's index. */
  countIndexedChunks(tenantId: string, count: number): void {
    assertCount('count', count);
    if (count > 0) this.#indexedChunks.inc({ tenant: tenantId }, count);
  }

  /** Counts one rating of an answer in an existing tenant. */
  countAnswerFeedback(tenantId: string, rating: 'up' | 'down'): void {
    this.#answerFeedback.inc({ tenant: tenantId, rating });
  }

  /**
   * Counts one step down the chat model chain (`ml_fallback_total`): the
   * chain's `FallbackRecorder`.
   */
  record(from: string, to: string, reason: ChatModelFailureReason): void {
    this.#fallbacks.inc({ from_model: from, to_model: to, reason });
  }

  /** Records one finished HTTP request; see `createHttpMetricsMiddleware`. */
  observeHttpRequest(observation: HttpRequestObservation): void {
    const { method, route, status, seconds } = observation;
    this.#httpDuration.observe({ method, route, status }, seconds);
  }

  /**
   * Records the wait for the first token of a streamed answer. The whole
   * request's duration says little about a stream that may run for a
   * minute; its first token is what the asker sees as latency.
   */
  observeFirstToken(seconds: number): void {
    this.#firstToken.observe(seconds);
  }

  /**
   * Sets (or, with `undefined`, removes) a tenant's daily token budget, for
   * the alert on tenants spending beyond it.
   */
  setDailyTokenBudget(tenantId: string, tokens: number | undefined): void {
    if (tokens === undefined) {
      this.#dailyTokenBudget.remove({ tenant: tenantId });
      return;
    }
    assertCount('tokens', tokens);
    this.#dailyTokenBudget.set({ tenant: tenantId }, tokens);
  }

  /** Adds billing's counters and database-backed gauges; see billingMetrics. */
  registerBilling(state: BillingState) {
    return registerBillingMetrics(this.#registry, state);
  }

  /** Every metric in the Prometheus text format, for `GET /metrics`. */
  async render(): Promise<{ contentType: string; body: string }> {
    const registryText = await this.#registry.metrics();
    return {
      contentType: this.#registry.contentType,
      body:
        registryText +
        this.#tokens.render() +
        this.#ragQueries.render() +
        this.#indexedChunks.render() +
        this.#answerFeedback.render(),
    };
  }
}

function assertCount(name: string, value: number): void {
  // prom-client throws on negative increments only; fractions and NaN would
  // be counted silently and corrupt the series for good.
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(
      `Metrics: ${name} must be a whole number of 0 or more, got ${value}`,
    );
  }
}
