import { healthyRun, POSTGRES_OUTAGE } from './__fixtures__/recordedRun';
import { checkAvailability } from './availability';

describe('checkAvailability', () => {
  it('holds when 5xx fall in fault windows and every retried request got its answer', () => {
    const result = checkAvailability(healthyRun());
    expect(result.breaches).toEqual([]);
    expect(result.figures[0]).toBe(
      '2 requests through the load balancer, 1 answered 5xx or 401: 1 during postgres-stop, 0 outside',
    );
  });

  it('finds a 500 outside every fault window', () => {
    const run = healthyRun();
    run.faults = run.faults.filter(f => f !== run.faults[0]);
    expect(checkAvailability(run).breaches).toEqual([
      `POST /api/docuchat/tenants/soak-08/ask answered 500 at ${new Date(
        1796619944900,
      ).toISOString()} by r1.1, outside every fault window`,
    ]);
    expect(run.faults).not.toContain(POSTGRES_OUTAGE);
  });

  it('finds a retrying client that gave up (recorded: a billing run sent to a replica that was then SIGKILLed)', () => {
    const run = healthyRun();
    run.retried.push({
      kind: 'billing run',
      start: 1796619947957,
      end: 1796619975000,
      attempts: 10,
      succeeded: false,
      statuses: [500, 500, 500, 500, 500, 500, 0, 0, 0, 0],
    });
    expect(checkAvailability(run).breaches).toEqual([
      `billing run at ${new Date(
        1796619947957,
      ).toISOString()} gave up after 10 attempts (500, 500, 500, 500, 500, 500, 0, 0, 0, 0)`,
    ]);
  });

  it('finds a replica that exited without being told to', () => {
    const run = healthyRun();
    Object.assign(run.processes[1], {
      stoppedBy: 'crash',
      exit: { code: 1, signal: null },
    });
    expect(checkAvailability(run).breaches).toEqual([
      `r2.1 exited on its own at ${new Date(
        1796620218609,
      ).toISOString()} ({"code":1,"signal":null})`,
    ]);
  });
});
