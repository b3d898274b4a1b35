import { DocuchatMetrics } from './DocuchatMetrics';
import { samplesOf, valueOf } from './__testUtils__/samples';

const GPT = 'openai:gpt-4o-mini';
const EXTRACTIVE = 'local:extractive';

async function bodyOf(metrics: DocuchatMetrics): Promise<string> {
  return (await metrics.render()).body;
}

describe('DocuchatMetrics', () => {
  it('declares the six families with their types and labels, plus process metrics', async () => {
    const metrics = new DocuchatMetrics();
    const { contentType, body } = await metrics.render();

    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const [name, type] of [
      ['openai_tokens_total', 'counter'],
      ['ml_fallback_total', 'counter'],
      ['http_request_duration_seconds', 'histogram'],
      ['openai_request_total', 'counter'],
      ['rag_query_total', 'counter'],
      ['document_chunks_total', 'counter'],
      ['process_cpu_seconds_total', 'counter'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
    ]) {
      expect(body).toContain(`# TYPE ${name} ${type}\n`);
    }
    expect(body).toContain('# TYPE nodejs_active_handles gauge\n');
    expect(body).not.toContain('nodejs_active_handles_total');
  });

  it('adds up tokens per tenant, direction and model, creating no series for zero counts', async () => {
    const metrics = new DocuchatMetrics();
    metrics.countTokens({
      tenantId: 'acme',
      model: GPT,
      promptTokens: 1000,
      completionTokens: 200,
    });
    metrics.countTokens({
      tenantId: 'acme',
      model: GPT,
      promptTokens: 3,
      completionTokens: 1,
    });
    metrics.countTokens({
      tenantId: 'globex',
      model: 'openai:text-embedding-3-small',
      promptTokens: 50,
      completionTokens: 0,
    });
    const body = await bodyOf(metrics);

    const tokens = (tenant: string, direction: string, model: string) =>
      valueOf(body, 'openai_tokens_total', { tenant, direction, model });
    expect(tokens('acme', 'prompt', GPT)).toBe(1003);
    expect(tokens('acme', 'completion', GPT)).toBe(201);
    expect(tokens('globex', 'prompt', 'openai:text-embedding-3-small')).toBe(
      50,
    );
    expect(samplesOf(body, 'openai_tokens_total')).toHaveLength(3);
  });

  it.each([-1, 1.5, NaN, Infinity])(
    'refuses %p tokens and counts nothing of that call',
    async count => {
      const metrics = new DocuchatMetrics();
      expect(() =>
        metrics.countTokens({
          tenantId: 'acme',
          model: GPT,
          promptTokens: 10,
          completionTokens: count,
        }),
      ).toThrow(
        `Metrics: completionTokens must be a whole number of 0 or more, got ${count}`,
      );
      expect(samplesOf(await bodyOf(metrics), 'openai_tokens_total')).toEqual(
        [],
      );
    },
  );

  it('counts fallbacks as the chain reports them (FallbackRecorder)', async () => {
    const metrics = new DocuchatMetrics();
    metrics.record(GPT, 'openai:gpt-4.1-mini', 'rate_limit');
    metrics.record(GPT, 'openai:gpt-4.1-mini', 'rate_limit');
    metrics.record('openai:gpt-4.1-mini', EXTRACTIVE, 'timeout');
    const body = await bodyOf(metrics);

    expect(
      valueOf(body, 'ml_fallback_total', {
        from_model: GPT,
        to_model: 'openai:gpt-4.1-mini',
        reason: 'rate_limit',
      }),
    ).toBe(2);
    expect(
      valueOf(body, 'ml_fallback_total', {
        from_model: 'openai:gpt-4.1-mini',
        to_model: EXTRACTIVE,
        reason: 'timeout',
      }),
    ).toBe(1);
  });

  it('counts model requests, questions and indexed chunks', async () => {
    const metrics = new DocuchatMetrics();
    metrics.countModelRequest(GPT, 'chat', 'success');
    metrics.countModelRequest(GPT, 'chat', 'success');
    metrics.countModelRequest(GPT, 'chat', 'fallback');
    metrics.countModelRequest(
      'openai:text-embedding-3-small',
      'embedding',
      'error',
    );
    metrics.countRagQuery('acme', 'answered');
    metrics.countRagQuery('acme', 'cached');
    metrics.countRagQuery('acme', 'answered');
    metrics.countRagQuery('globex', 'no_sources');
    metrics.countIndexedChunks('acme', 40);
    metrics.countIndexedChunks('acme', 2);
    metrics.countIndexedChunks('globex', 0);
    const body = await bodyOf(metrics);

    const requests = (model: string, operation: string, outcome: string) =>
      valueOf(body, 'openai_request_total', { model, operation, outcome });
    expect(requests(GPT, 'chat', 'success')).toBe(2);
    expect(requests(GPT, 'chat', 'fallback')).toBe(1);
    expect(
      requests('openai:text-embedding-3-small', 'embedding', 'error'),
    ).toBe(1);

    const queries = (tenant: string, outcome: string) =>
      valueOf(body, 'rag_query_total', { tenant, outcome });
    expect(queries('acme', 'answered')).toBe(2);
    expect(queries('acme', 'cached')).toBe(1);
    expect(queries('globex', 'no_sources')).toBe(1);
    expect(queries('globex', 'answered')).toBeUndefined();

    expect(valueOf(body, 'document_chunks_total', { tenant: 'acme' })).toBe(42);
    expect(
      valueOf(body, 'document_chunks_total', { tenant: 'globex' }),
    ).toBeUndefined();
    expect(() => metrics.countIndexedChunks('acme', -3)).toThrow(
      'Metrics: count must be a whole number of 0 or more, got -3',
    );
  });

  it('keeps each instance to its own registry', async () => {
    const first = new DocuchatMetrics();
    const second = new DocuchatMetrics();
    first.countRagQuery('acme', 'answered');

    expect(samplesOf(await bodyOf(first), 'rag_query_total')).toHaveLength(1);
    expect(samplesOf(await bodyOf(second), 'rag_query_total')).toEqual([]);
  });

  it('reports daily token budgets per tenant, and forgets a removed one', async () => {
    const metrics = new DocuchatMetrics();
    metrics.setDailyTokenBudget('acme', 500_000);
    metrics.setDailyTokenBudget('globex', 20_000);
    metrics.setDailyTokenBudget('globex', undefined);
    const body = await bodyOf(metrics);

    expect(body).toContain('# TYPE docuchat_tenant_daily_token_budget gauge\n');
    expect(
      valueOf(body, 'docuchat_tenant_daily_token_budget', { tenant: 'acme' }),
    ).toBe(500_000);
    expect(samplesOf(body, 'docuchat_tenant_daily_token_budget')).toHaveLength(
      1,
    );
    expect(() => metrics.setDailyTokenBudget('acme', -1)).toThrow(
      'Metrics: tokens must be a whole number of 0 or more, got -1',
    );
  });

  it('still answers the scrape while the database is away: counters as they are, billing gauges as last read', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const metrics = new DocuchatMetrics();
      let database: 'up' | 'refusing' | 'hanging' = 'up';
      const read = <T>(value: T): Promise<T> => {
        if (database === 'refusing') {
          return Promise.reject(
            new Error('connect ECONNREFUSED 127.0.0.1:5432'),
          );
        }
        return database === 'up'
          ? Promise.resolve(value)
          : new Promise<T>(() => {});
      };
      metrics.registerBilling({
        countByStatus: () => read({ issued: 3, paid: 2 }),
        lastSuccessfulRunAt: () => read(new Date(1_700_000_000_000)),
        latestDrift: () => read(undefined),
      });
      metrics.observeHttpRequest({
        method: 'POST',
        route: '/tenants/:tenantId/ask',
        status: '200',
        seconds: 0.2,
      });
      const issued = async () =>
        valueOf(await bodyOf(metrics), 'docuchat_invoices', {
          status: 'issued',
        });
      expect(await issued()).toBe(3);

      database = 'refusing';
      metrics.observeHttpRequest({
        method: 'POST',
        route: '/tenants/:tenantId/ask',
        status: '500',
        seconds: 0.01,
      });
      const refused = await bodyOf(metrics);
      expect(
        valueOf(refused, 'http_request_duration_seconds_count', {
          method: 'POST',
          route: '/tenants/:tenantId/ask',
          status: '500',
        }),
      ).toBe(1);
      expect(valueOf(refused, 'docuchat_invoices', { status: 'issued' })).toBe(
        3,
      );

      // A database that does not answer at all holds the scrape 2 s, no more.
      database = 'hanging';
      const rendering = bodyOf(metrics);
      await jest.advanceTimersByTimeAsync(2_000);
      expect(
        valueOf(
          await rendering,
          'docuchat_billing_last_success_timestamp_seconds',
          {},
        ),
      ).toBe(1_700_000_000);
    } finally {
      jest.useRealTimers();
    }
  });
});
