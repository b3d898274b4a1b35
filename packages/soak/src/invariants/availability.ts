import { SoakRecord } from '../record';
import { overlappingFault } from './phases';
import { InvariantResult } from './types';

/**
 * No request is answered 5xx outside the fault windows (by a replica or by
 * the load balancer), nor 401: the load's token is valid all along, so a
 * 401 is a server that could not check it. During the faults, every client
 * that retries an idempotent request (reads, uploads, billing runs,
 * payment callbacks) gets its answer. No replica exits unless told to.
 */
export function checkAvailability(record: SoakRecord): InvariantResult {
  const breaches: string[] = [];
  const errors = record.requests.filter(
    r => r.status >= 500 || r.status === 401,
  );
  const byFault = new Map<string, number>();
  for (const r of errors) {
    const fault = overlappingFault(record.faults, r.start, r.end);
    if (fault) {
      byFault.set(fault.kind, (byFault.get(fault.kind) ?? 0) + 1);
      continue;
    }
    breaches.push(
      `${r.method} ${r.path} answered ${r.status} at ${new Date(
        r.start,
      ).toISOString()} by ${
        r.instance ?? 'the load balancer'
      }, outside every fault window`,
    );
  }
  for (const p of record.processes.filter(x => x.stoppedBy === 'crash')) {
    breaches.push(
      `${p.instance} exited on its own at ${new Date(
        p.exitedAt ?? 0,
      ).toISOString()} (${JSON.stringify(p.exit)})`,
    );
  }
  const failed = record.retried.filter(o => !o.succeeded);
  for (const o of failed) {
    breaches.push(
      `${o.kind} at ${new Date(o.start).toISOString()} gave up after ${
        o.attempts
      } attempts (${o.statuses.join(', ')})`,
    );
  }
  const retried = record.retried.filter(o => o.attempts > 1);
  const inFault = retried.filter(o =>
    overlappingFault(record.faults, o.start, o.end),
  );
  return {
    name: 'no 5xx (nor 401) outside fault windows; retried idempotent requests succeed',
    figures: [
      `${record.requests.length} requests through the load balancer, ${
        errors.length
      } answered 5xx or 401: ${
        [...byFault].map(([kind, n]) => `${n} during ${kind}`).join(', ') ||
        'none in fault windows'
      }, ${
        errors.length - [...byFault.values()].reduce((a, b) => a + b, 0)
      } outside`,
      `${record.retried.length} idempotent operations, ${
        retried.length
      } needed a retry (${
        inFault.length
      } during a fault; most attempts ${Math.max(
        0,
        ...record.retried.map(o => o.attempts),
      )}), ${failed.length} gave up`,
    ],
    breaches,
  };
}
