import { FaultKind } from '../record';

/** A fault planned at `at` seconds after the load started. */
export interface PlannedFault {
  at: number;
  kind: FaultKind;
  /** The replica slot (1-3) a SIGKILL hits. */
  slot?: number;
}

/** How long PostgreSQL and Redis stay down. */
export const OUTAGE_SECONDS = 10;

/**
 * The seeded schedule of a run of `seconds`: a SIGKILL of a random replica
 * about every 60 s (the first after 15 s, the last a minute before the
 * end), PostgreSQL stopped for 10 s at a
 * quarter of the run, Redis at 40 %, a rolling SIGTERM restart of all three
 * at 55 %. Faults run one at a time: one that comes due while another is
 * still running waits for it.
 */
export function planFaults(seconds: number, random: () => number) {
  const jitter = (spread: number) => Math.round((random() * 2 - 1) * spread);
  const faults: PlannedFault[] = [];
  // The last one a minute before the end: its restart is part of the run.
  for (let at = 15; at + 60 <= seconds; at += 60) {
    faults.push({
      at: Math.max(5, at + jitter(10)),
      kind: 'sigkill',
      slot: 1 + Math.floor(random() * 3),
    });
  }
  faults.push(
    { at: Math.round(seconds * 0.25) + jitter(5), kind: 'postgres-stop' },
    { at: Math.round(seconds * 0.4) + jitter(5), kind: 'redis-stop' },
    { at: Math.round(seconds * 0.55) + jitter(5), kind: 'rolling-restart' },
  );
  return faults.sort((a, b) => a.at - b.at);
}

export function describeFault(fault: PlannedFault) {
  switch (fault.kind) {
    case 'sigkill':
      return `SIGKILL replica ${fault.slot}, then start it again`;
    case 'postgres-stop':
      return `stop PostgreSQL (fast shutdown) for ${OUTAGE_SECONDS} s, then start it`;
    case 'redis-stop':
      return `stop Redis for ${OUTAGE_SECONDS} s, then start it`;
    default:
      return 'rolling restart: SIGTERM each replica in turn, start it, wait until it is ready';
  }
}
