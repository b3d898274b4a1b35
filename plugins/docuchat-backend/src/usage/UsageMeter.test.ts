import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseUsageLedger } from './DatabaseUsageLedger';
import { UsageLedger } from './UsageLedger';
import { migratedDatabaseWithTenants } from '../database/__testUtils__/testDatabases';
import { DocuchatMetrics } from '../metrics/DocuchatMetrics';
import { valueOf } from '../metrics/__testUtils__/samples';
import { UsageMeter } from './UsageMeter';

/**
 * Pending → settled through the meter: the token counters move when a row
 * settles (by its call or by the sweep), once, never at begin.
 */
describe('UsageMeter settlement', () => {
  // The ledger's SQL is tested on every database in its own tests.
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setUp() {
    const knex = await migratedDatabaseWithTenants(databases, 'SQLITE_3', [
      'acme',
    ]);
    const metrics = new DocuchatMetrics();
    const ledger = new DatabaseUsageLedger(knex);
    const meter = new UsageMeter({
      ledger,
      counters: metrics,
      logger: mockServices.logger.mock(),
    });
    const tokens = async (direction: 'prompt' | 'completion') =>
      valueOf((await metrics.render()).body, 'openai_tokens_total', {
        tenant: 'acme',
        direction,
        model: 'gpt-x',
      }) ?? 0;
    const row = (requestId: string) =>
      knex('docuchat_usage').where({ request_id: requestId }).first();
    return { meter, tokens, row, ledger, metrics };
  }

  const call = (requestId: string, occurredAt?: Date) => ({
    requestId,
    tenantId: 'acme',
    model: 'gpt-x',
    operation: 'chat' as const,
    promptTokens: 100,
    completionTokens: 0,
    estimated: true,
    occurredAt,
  });

  it('counts a call when it settles, once', async () => {
    const { meter, tokens, row } = await setUp();
    await meter.begin(call('r1'));
    expect(await row('r1')).toMatchObject({ status: 'pending' });
    expect(await tokens('prompt')).toBe(0);

    const final = {
      ...call('r1'),
      promptTokens: 98,
      completionTokens: 40,
      estimated: false,
    };
    expect(await meter.settle(final)).toBe(true);
    expect(await meter.settle(final)).toBe(false);
    expect(await row('r1')).toMatchObject({
      status: 'settled',
      prompt_tokens: 98,
      completion_tokens: 40,
    });
    expect(await tokens('prompt')).toBe(98);
    expect(await tokens('completion')).toBe(40);
  });

  it('lets the sweep settle and count only abandoned rows', async () => {
    const { meter, tokens, row } = await setUp();
    const longAgo = new Date(Date.now() - 3_600_000);
    await meter.begin(call('dead', longAgo));
    await meter.begin(call('running'));

    const swept = await meter.settleAbandoned(new Date(Date.now() - 60_000));
    expect(swept.map(r => r.requestId)).toEqual(['dead']);
    expect(await row('dead')).toMatchObject({ status: 'settled' });
    expect(Boolean((await row('dead')).estimated)).toBe(true);
    expect(await row('running')).toMatchObject({ status: 'pending' });
    expect(await tokens('prompt')).toBe(100);
    // The dead call's own settle (it cannot come, but if it did) is late.
    expect(await meter.settle({ ...call('dead'), estimated: false })).toBe(
      false,
    );
    expect(await tokens('prompt')).toBe(100);
  });

  /**
   * A database that is away (restarting) for the next `failures` calls of
   * one method: they fail like a refused connection.
   */
  function away(
    ledger: UsageLedger,
    method: 'beginAll' | 'settleAll',
    failures: number,
  ) {
    let left = failures;
    return new Proxy(ledger, {
      get(target, name) {
        const value = (target as any)[name];
        if (name !== method) return value.bind(target);
        return (...args: unknown[]) =>
          left-- > 0
            ? Promise.reject(
                Object.assign(
                  new Error('connect ECONNREFUSED 127.0.0.1:5432'),
                  {
                    code: 'ECONNREFUSED',
                  },
                ),
              )
            : value.apply(target, args);
      },
    });
  }

  it('keeps settling an answered call while the database restarts, then counts it once', async () => {
    const { tokens, row, ledger, metrics } = await setUp();
    const meter = new UsageMeter({
      ledger: away(ledger, 'settleAll', 8),
      counters: metrics,
      logger: mockServices.logger.mock(),
      retryDelayMs: 1,
      settleRetryMs: 10_000,
    });
    await meter.begin(call('restart'));
    // 8 refusals are more than the 4 attempts a begin gets.
    expect(
      await meter.settle({
        ...call('restart'),
        promptTokens: 98,
        completionTokens: 40,
        estimated: false,
      }),
    ).toBe(true);
    expect(await row('restart')).toMatchObject({
      status: 'settled',
      prompt_tokens: 98,
      completion_tokens: 40,
    });
    expect(await tokens('completion')).toBe(40);
  });

  it('gives up on a begin after four attempts (the model is then not called), and on a settlement once its patience is spent', async () => {
    const { row, ledger, metrics } = await setUp();
    const logger = mockServices.logger.mock();
    const beginning = new UsageMeter({
      ledger: away(ledger, 'beginAll', 4),
      counters: metrics,
      logger,
      retryDelayMs: 1,
      settleRetryMs: 10_000,
    });
    await expect(beginning.begin(call('never'))).rejects.toThrow(
      /ECONNREFUSED/,
    );
    expect(await row('never')).toBeUndefined();

    const settling = new UsageMeter({
      ledger: away(ledger, 'settleAll', 1_000),
      counters: metrics,
      logger,
      retryDelayMs: 1,
      settleRetryMs: 50,
    });
    await settling.begin(call('left'));
    await expect(
      settling.settle({ ...call('left'), estimated: false }),
    ).rejects.toThrow(/ECONNREFUSED/);
    // Pending: the sweep settles it as estimated.
    expect(await row('left')).toMatchObject({ status: 'pending' });
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/entry to replay: .*"requestId":"left"/),
      expect.any(Error),
    );
  });
});
