import { healthyRun } from './__fixtures__/recordedRun';
import { checkCountersMatchLedger } from './countersMatchLedger';

describe('checkCountersMatchLedger', () => {
  it('holds when the only gap is what a SIGKILLed process settled after its last scrape', () => {
    const result = checkCountersMatchLedger(healthyRun());
    expect(result.breaches).toEqual([]);
    expect(result.figures).toContain(
      'ledger 3,062 tokens (settled, the load’s calls); last scrapes summed 2,085; gap 977 (31.91 %), at most 1,001 settled in the blind windows of processes that died'.replace(
        '’',
        "'",
      ),
    );
  });

  it('finds tokens missing from the counters of a process that lived (recorded shape: a counter moved only when a settle wrote nothing)', () => {
    const run = healthyRun();
    run.processes[0].stoppedBy = 'end';
    expect(checkCountersMatchLedger(run).breaches).toEqual([
      'soak-09 openai:gpt-4o-mini prompt: the ledger holds 941 tokens, the counters 0; only 0 were settled where a dying process could have taken them along',
      'soak-09 openai:gpt-4o-mini completion: the ledger holds 36 tokens, the counters 0; only 0 were settled where a dying process could have taken them along',
    ]);
  });

  it('finds tokens counted twice', () => {
    const run = healthyRun();
    run.processes[0].lastScrape!.tokens.push({
      tenant: 'soak-00',
      model: 'openai:gpt-4o-mini',
      direction: 'completion',
      value: 36,
    });
    expect(checkCountersMatchLedger(run).breaches).toEqual([
      'soak-00 openai:gpt-4o-mini completion: the counters hold 72 tokens, the ledger 36: counted twice or without a row',
    ]);
  });
});
