import { FaultWindow, Ms } from '../record';

/** After a fault ends, this long counts as recovery. */
export const RECOVERY_MS = 30_000;

export type Phase = 'steady' | 'fault' | 'recovery';

/** The fault window `[from, to]` overlaps, if any. */
export function overlappingFault(
  faults: FaultWindow[],
  from: Ms,
  to: Ms,
): FaultWindow | undefined {
  return faults.find(f => from <= f.end && to >= f.start);
}

/**
 * `fault` when the interval overlaps a fault window, `recovery` when it
 * starts within RECOVERY_MS after one ended, else `steady`.
 */
export function phaseOf(faults: FaultWindow[], from: Ms, to: Ms): Phase {
  if (overlappingFault(faults, from, to)) return 'fault';
  if (faults.some(f => from > f.end && from <= f.end + RECOVERY_MS)) {
    return 'recovery';
  }
  return 'steady';
}
