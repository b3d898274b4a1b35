import { SoakRecord } from '../record';
import { checkAskPhases } from './askPhases';
import { checkAvailability } from './availability';
import {
  checkBilledEqualsLedger,
  checkInvoicesUnique,
  checkPayments,
} from './billing';
import { checkCountersMatchLedger } from './countersMatchLedger';
import { checkLedgerMatchesOpenAi } from './ledgerMatchesOpenAi';
import { InvariantResult, SHOWN_BREACHES } from './types';
import { checkUploadsSettle } from './uploadsSettle';

export type { InvariantResult } from './types';

/** Every invariant of the run, in the order they are printed. */
export function checkInvariants(record: SoakRecord): InvariantResult[] {
  return [
    checkLedgerMatchesOpenAi,
    checkUploadsSettle,
    checkInvoicesUnique,
    checkBilledEqualsLedger,
    checkPayments,
    checkCountersMatchLedger,
    checkAvailability,
    checkAskPhases,
  ].map(check => check(record));
}

/** The results as printed at the end of a run. */
export function formatResults(results: InvariantResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(
      `${r.breaches.length === 0 ? 'PASS' : 'FAIL'}  ${r.name}${
        r.breaches.length > 0 ? ` (${r.breaches.length} breaches)` : ''
      }`,
    );
    for (const f of r.figures) lines.push(`        ${f}`);
    for (const b of r.breaches.slice(0, SHOWN_BREACHES)) {
      lines.push(`   ✗    ${b}`);
    }
    if (r.breaches.length > SHOWN_BREACHES) {
      lines.push(`   ✗    … and ${r.breaches.length - SHOWN_BREACHES} more`);
    }
  }
  const total = results.reduce((n, r) => n + r.breaches.length, 0);
  lines.push(
    total === 0
      ? `All ${results.length} invariants hold: 0 breaches.`
      : `${total} breaches of ${
          results.filter(r => r.breaches.length > 0).length
        } invariants.`,
  );
  return lines.join('\n');
}
