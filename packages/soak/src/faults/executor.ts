import { Cluster } from '../cluster/cluster';
import { FaultWindow } from '../record';
import { OwnServer } from '../servers/ownPostgres';
import { sleep } from '../servers/run';
import { describeFault, OUTAGE_SECONDS, PlannedFault } from './schedule';

/** A SIGKILL this late (the fault before it ran long) is skipped. */
const SIGKILL_LATENESS_MS = 30_000;

/**
 * Runs the planned faults one at a time and records each one's window, from
 * its first action until the system was whole again (replica ready,
 * server accepting connections). Faults not started by `deadline` are
 * skipped and reported, and so are SIGKILLs that come due while restarts
 * run long (on a loaded machine a restart takes minutes): the schedule's
 * other faults keep their turn.
 */
export async function runFaults(options: {
  plan: PlannedFault[];
  loadStart: number;
  deadline: number;
  cluster: Cluster;
  postgres: OwnServer;
  redis: OwnServer;
  windows: FaultWindow[];
  log: (line: string) => void;
}) {
  const { cluster, postgres, redis, windows, log } = options;
  const skipped: PlannedFault[] = [];
  for (const fault of options.plan) {
    const due = options.loadStart + fault.at * 1000;
    if (Date.now() < due) await sleep(due - Date.now());
    const late =
      fault.kind === 'sigkill' && Date.now() - due > SIGKILL_LATENESS_MS;
    if (Date.now() > options.deadline || late) {
      skipped.push(fault);
      continue;
    }
    const start = Date.now();
    const at = ((start - options.loadStart) / 1000).toFixed(0);
    log(`fault at ${at} s: ${describeFault(fault)}`);
    let detail = describeFault(fault);
    switch (fault.kind) {
      case 'sigkill': {
        const replica = cluster.replicas[fault.slot! - 1];
        const killed = await cluster.kill(replica);
        const started = await cluster.restart(replica);
        detail = `SIGKILL ${killed?.instance ?? `slot ${fault.slot}`}, ${
          started.instance
        } started`;
        break;
      }
      case 'rolling-restart': {
        const steps = [];
        for (const replica of cluster.replicas) {
          const stopped = await cluster.terminate(replica);
          const started = await cluster.restart(replica);
          steps.push(
            `${stopped?.instance} exit ${JSON.stringify(stopped?.exit)} → ${
              started.instance
            }`,
          );
        }
        detail = `rolling restart: ${steps.join('; ')}`;
        break;
      }
      case 'postgres-stop':
        await postgres.stop();
        await sleep(OUTAGE_SECONDS * 1000);
        await postgres.start();
        break;
      case 'redis-stop':
        await redis.stop();
        await sleep(OUTAGE_SECONDS * 1000);
        await redis.start();
        break;
      default:
        throw new Error(`Unknown fault ${fault.kind}`);
    }
    const end = Date.now();
    windows.push({ kind: fault.kind, detail, start, end });
    log(
      `  ${detail}; whole again after ${((end - start) / 1000).toFixed(1)} s`,
    );
  }
  return { skipped };
}
