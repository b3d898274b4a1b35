import { AskRecord, SoakRecord } from '../record';
import { Phase, phaseOf } from './phases';
import { InvariantResult } from './types';

const PHASES: Phase[] = ['steady', 'fault', 'recovery'];

export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

const seconds = (ms: number | undefined) =>
  ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`;

/**
 * Ask latency (first token, whole answer) at p50/p95 and outcomes per
 * phase: steady, fault (the ask overlapped a fault window), recovery (it
 * started within 30 s after one). In the steady phase every ask is
 * answered or cancelled by its client, except where the model's stream was
 * cut after the first token (an injected fault no fallback can hide).
 */
export function checkAskPhases(record: SoakRecord): InvariantResult {
  const breaches: string[] = [];
  const cut = new Set(
    record.openAiCalls
      .filter(
        c => c.operation === 'chat' && c.fault === 'cut' && c.askRequestId,
      )
      .map(c => c.askRequestId!),
  );
  const byPhase = new Map<Phase, AskRecord[]>(PHASES.map(p => [p, []]));
  for (const a of record.asks) {
    const phase = phaseOf(record.faults, a.start, a.end);
    byPhase.get(phase)!.push(a);
    const failed =
      a.outcome === 'http-error' ||
      a.outcome === 'transport-error' ||
      (a.outcome === 'stream-error' && !cut.has(a.requestId));
    if (phase === 'steady' && failed) {
      breaches.push(
        `steady phase: ask ${a.requestId} (${a.tenant}) ended ${a.outcome} ${
          a.status
        }: ${a.error ?? ''}`.trim(),
      );
    }
  }
  const figures = PHASES.map(phase => {
    const asks = byPhase.get(phase)!;
    const outcomes = new Map<string, number>();
    for (const a of asks) {
      outcomes.set(a.outcome, (outcomes.get(a.outcome) ?? 0) + 1);
    }
    const firstToken = asks
      .filter(a => a.firstTokenAt !== undefined)
      .map(a => a.firstTokenAt! - a.start);
    const whole = asks
      .filter(a => a.outcome === 'answered')
      .map(a => a.end - a.start);
    return `${phase}: ${asks.length} asks; first token p50 ${seconds(
      percentile(firstToken, 0.5),
    )} p95 ${seconds(percentile(firstToken, 0.95))}; whole answer p50 ${seconds(
      percentile(whole, 0.5),
    )} p95 ${seconds(percentile(whole, 0.95))}; ${[...outcomes]
      .sort()
      .map(([o, n]) => `${o} ${n}`)
      .join(', ')}`;
  });
  return {
    name: 'ask latency and errors per phase; steady-phase asks answered',
    figures,
    breaches,
  };
}
