import { healthyRun } from './__fixtures__/recordedRun';
import { checkAskPhases, percentile } from './askPhases';

describe('checkAskPhases', () => {
  it('holds when steady-phase asks are answered, and prints each phase', () => {
    const result = checkAskPhases(healthyRun());
    expect(result.breaches).toEqual([]);
    expect(result.figures).toEqual([
      'steady: 1 asks; first token p50 0.89 s p95 0.89 s; whole answer p50 1.86 s p95 1.86 s; answered 1',
      'fault: 1 asks; first token p50 0.29 s p95 0.29 s; whole answer p50 – p95 –; stream-error 1',
      'recovery: 0 asks; first token p50 – p95 –; whole answer p50 – p95 –; ',
    ]);
  });

  it('finds an ask that failed in the steady phase (recorded: the stream broke when PostgreSQL went away)', () => {
    const run = healthyRun();
    run.faults = [];
    expect(checkAskPhases(run).breaches).toEqual([
      'steady phase: ask soakq-9-102-irok (soak-09) ended stream-error 200: {"name":"Error","message":"connect ECONNREFUSED 127.0.0.1:55417"}',
    ]);
  });

  it('accepts a steady-phase answer broken by a model stream cut after its first token', () => {
    const run = healthyRun();
    run.faults = [];
    run.openAiCalls.find(
      c => c.askRequestId === 'soakq-9-102-irok' && c.operation === 'chat',
    )!.fault = 'cut';
    expect(checkAskPhases(run).breaches).toEqual([]);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 0.95)).toBe(5);
    expect(percentile([], 0.5)).toBeUndefined();
  });
});
