import { LedgerRow, OpenAiCall, ProcessRecord, SoakRecord } from '../record';
import { formatNumber, InvariantResult } from './types';

/** A killed process's last calls: recorded before, or left to the sweep. */
const KILL_MARGIN_MS = 10_000;

interface Tally {
  deliveredCalls: number;
  /** Answered while the backend stopped reading (see below). */
  inDoubtCalls: number;
  deliveredPrompt: number;
  deliveredCompletion: number;
  exactPrompt: number;
  exactCompletion: number;
  /** Estimated rows of calls the server never answered in full. */
  estimatedUnanswered: number;
  /** Estimated rows of answered calls whose process was killed first. */
  estimatedKilled: number;
  estimatedTokens: number;
}

const emptyTally = (): Tally => ({
  deliveredCalls: 0,
  inDoubtCalls: 0,
  deliveredPrompt: 0,
  deliveredCompletion: 0,
  exactPrompt: 0,
  exactCompletion: 0,
  estimatedUnanswered: 0,
  estimatedKilled: 0,
  estimatedTokens: 0,
});

type Tokens = { prompt: number; completion: number };

const sum = (
  list: Array<{ promptTokens: number; completionTokens: number }>,
): Tokens =>
  list.reduce(
    (acc, x) => ({
      prompt: acc.prompt + x.promptTokens,
      completion: acc.completion + x.completionTokens,
    }),
    { prompt: 0, completion: 0 },
  );

const add = (a: Tokens, b: Tokens): Tokens => ({
  prompt: a.prompt + b.prompt,
  completion: a.completion + b.completion,
});

/** Every sum of a subset of the calls' tokens (bounded: a dozen calls). */
function subsetSums(calls: OpenAiCall[]): Tokens[] {
  let sums: Tokens[] = [{ prompt: 0, completion: 0 }];
  for (const call of calls.slice(0, 12)) {
    sums = [...sums, ...sums.map(t => add(t, sum([call])))];
  }
  return sums;
}

/** `openai:gpt-4o-mini` → `gpt-4o-mini`; `openai:text-embedding-3-small:64` → `text-embedding-3-small`. */
const apiModelOf = (ledgerModel: string) => ledgerModel.split(':')[1];

/**
 * Every call the OpenAI server answered is on the ledger, for its tenant
 * and model, with exactly the tokens the server reported; estimates only
 * where the server never answered in full (an error, a hang, a cut, a
 * client that hung up), or where the process that made the call was
 * SIGKILLed before it could record the answer (the sweep then bills the
 * locally counted estimate). Calls are matched to rows by what they were
 * for: an ask (its request id, in the question) or a document (its tag,
 * in every chunk).
 *
 * "Answered" is the server's view: its last byte was written. When the
 * backend stopped reading first (its client hung up mid-stream, its drain
 * after SIGTERM cut the answer, or it timed out and sent the request
 * again), those bytes may have reached a socket nobody read: such a call
 * is in doubt, and its row may hold the server's counts or the backend's
 * estimate, nothing else.
 */
/**
 * The subject of a document's calls and rows. Ingestion embeds a tenant's
 * small documents in shared calls and splits each call's usage among them
 * on the ledger by their sizes: that split is the backend's allocation,
 * which the server never reports. So documents that shared a call (and
 * those that shared one with them) are one subject, their tokens checked
 * together; a document alone is its own.
 */
function documentsSharingCalls(calls: OpenAiCall[]) {
  const parent = new Map<string, string>();
  const root = (tag: string): string => {
    let r = tag;
    while (parent.has(r)) r = parent.get(r)!;
    return r;
  };
  for (const call of calls) {
    const [first, ...rest] = call.documentTags ?? [];
    for (const tag of rest) {
      const a = root(first);
      const b = root(tag);
      if (a !== b) parent.set(b, a);
    }
  }
  const members = new Map<string, string[]>();
  for (const tag of parent.keys()) {
    const r = root(tag);
    members.set(r, [...(members.get(r) ?? [r]), tag]);
  }
  return (tag: string) => {
    const r = root(tag);
    const group = members.get(r);
    return {
      key: `doc:${r}`,
      what: group
        ? `documents ${group.join(', ')} (shared embedding calls)`
        : `document ${tag}`,
    };
  };
}

export function checkLedgerMatchesOpenAi(record: SoakRecord): InvariantResult {
  const breaches: string[] = [];
  const processes = new Map(record.processes.map(p => [p.instance, p]));
  const killed = (instance: string, from: number, to: number) => {
    const p: ProcessRecord | undefined = processes.get(instance);
    return (
      p !== undefined &&
      (p.stoppedBy === 'SIGKILL' || p.stoppedBy === 'crash') &&
      p.exitedAt !== undefined &&
      p.exitedAt >= from &&
      p.exitedAt <= to
    );
  };

  // The things calls were made for, with their calls and ledger rows.
  type Subject = {
    what: string;
    tenant?: string;
    /** When its client hung up on purpose. */
    cancelledAt?: number;
    calls: OpenAiCall[];
    rows: LedgerRow[];
  };
  const subjects = new Map<string, Subject>();
  const subject = (key: string, what: string) => {
    let s = subjects.get(key);
    if (!s) {
      s = { what, calls: [], rows: [] };
      subjects.set(key, s);
    }
    return s;
  };
  for (const a of record.asks) {
    const s = subject(`ask:${a.requestId}`, `ask ${a.requestId}`);
    s.tenant = a.tenant;
    if (a.outcome === 'cancelled') s.cancelledAt = a.end;
  }
  const drainCut = (call: OpenAiCall) => {
    const p = processes.get(call.instance);
    return (
      p?.stoppedBy === 'SIGTERM' &&
      p.signalledAt !== undefined &&
      (call.end ?? Infinity) >= p.signalledAt &&
      call.start <= (p.exitedAt ?? Infinity)
    );
  };
  const tagOfDocument = new Map(record.documents.map(d => [d.id, d.title]));
  const documentKey = documentsSharingCalls(record.openAiCalls);
  for (const u of record.uploads) {
    const { key, what } = documentKey(u.tag);
    subject(key, what).tenant = u.tenant;
  }

  let unattributedCalls = 0;
  for (const call of record.openAiCalls) {
    const [tag] = call.documentTags ?? [];
    const key = call.askRequestId
      ? `ask:${call.askRequestId}`
      : tag && documentKey(tag).key;
    if (!key) {
      unattributedCalls++;
      breaches.push(
        `a ${call.operation} call of ${call.instance} at ${new Date(
          call.start,
        ).toISOString()} names no ask and no document: it cannot be matched`,
      );
      continue;
    }
    subject(key, key).calls.push(call);
  }
  let unattributedRows = 0;
  for (const row of record.ledger) {
    if (row.seeded || row.model.startsWith('local:')) continue;
    const askId = /^(soakq-[^:]+):/.exec(row.requestId)?.[1];
    const tag = row.documentId && tagOfDocument.get(row.documentId);
    const key = askId ? `ask:${askId}` : tag && documentKey(tag).key;
    if (!key) {
      unattributedRows++;
      breaches.push(
        `ledger row ${row.requestId} (${row.tenant}, ${row.model}) belongs to no ask or document of the load`,
      );
      continue;
    }
    const s = subject(key, key);
    s.tenant ??= row.tenant;
    s.rows.push(row);
  }

  const tallies = new Map<string, Tally>();
  const tally = (tenant: string, operation: string, model: string) => {
    const key = `${tenant}\t${operation}\t${model}`;
    let t = tallies.get(key);
    if (!t) {
      t = emptyTally();
      tallies.set(key, t);
    }
    return t;
  };

  for (const s of subjects.values()) {
    // Per model: calls of one model and the rows of that model.
    const models = new Set([
      ...s.calls.map(c => `${c.operation}\t${c.model}`),
      ...s.rows.map(r => `${r.operation}\t${apiModelOf(r.model)}`),
    ]);
    for (const key of models) {
      const [operation, model] = key.split('\t');
      const calls = s.calls.filter(
        c => c.operation === operation && c.model === model,
      );
      const rows = s.rows.filter(
        r => r.operation === operation && apiModelOf(r.model) === model,
      );
      const t = tally(s.tenant ?? '?', operation, model);
      const delivered = calls.filter(c => c.delivered);
      // A repeated request (the client's retry after its timeout) may
      // have been answered twice; the client read at most one of them.
      const seen = new Set<string>();
      const inDoubt = delivered.filter(c => {
        const repeated = seen.has(c.requestHash);
        seen.add(c.requestHash);
        return (
          repeated ||
          (operation === 'chat' &&
            s.cancelledAt !== undefined &&
            c.start <= s.cancelledAt) ||
          drainCut(c)
        );
      });
      const d = sum(delivered.filter(c => !inDoubt.includes(c)));
      const x = sum(inDoubt);
      const exactRows = rows.filter(
        r => !r.estimated && r.status === 'settled',
      );
      const e = sum(exactRows);
      const estimated = rows.filter(r => r.estimated);
      const pending = rows.filter(r => r.status === 'pending');
      const wasKilled = calls.some(c =>
        killed(c.instance, c.start, (c.end ?? c.start) + KILL_MARGIN_MS),
      );
      // A row with no call at all: the call never reached the server.
      const unanswered =
        calls.some(c => !c.delivered) ||
        inDoubt.length > 0 ||
        s.cancelledAt !== undefined ||
        calls.length < rows.length;
      const where = `${s.what} (${s.tenant}, ${operation} ${model})`;
      // What the exact rows may hold: the sure answers, plus any of those
      // in doubt that the backend did read.
      const possible = subsetSums(inDoubt).map(extra => add(d, extra));

      t.deliveredCalls += delivered.length;
      t.inDoubtCalls += inDoubt.length;
      t.deliveredPrompt += d.prompt + x.prompt;
      t.deliveredCompletion += d.completion + x.completion;
      t.exactPrompt += e.prompt;
      t.exactCompletion += e.completion;
      t.estimatedTokens += sum(estimated).prompt + sum(estimated).completion;
      if (unanswered || !wasKilled) t.estimatedUnanswered += estimated.length;
      else t.estimatedKilled += estimated.length;

      if (pending.length > 0) {
        breaches.push(`${where}: ${pending.length} ledger rows still pending`);
      }
      if (calls.length > 0 && rows.length === 0) {
        breaches.push(
          `${where}: ${calls.length} calls reached the server, no ledger row`,
        );
      }
      const most = add(d, x);
      if (e.prompt > most.prompt || e.completion > most.completion) {
        breaches.push(
          `${where}: the ledger holds ${e.prompt}+${e.completion} exact tokens, the server reported ${most.prompt}+${most.completion}`,
        );
      } else if (
        !possible.some(
          p => p.prompt === e.prompt && p.completion === e.completion,
        ) &&
        !wasKilled
      ) {
        breaches.push(
          `${where}: the server answered ${d.prompt}+${d.completion} tokens${
            inDoubt.length > 0
              ? ` (and ${x.prompt}+${x.completion} the backend may not have read)`
              : ''
          }, the ledger holds ${e.prompt}+${e.completion} exact (${
            estimated.length
          } estimated rows) and no process making these calls was killed`,
        );
      }
      if (estimated.length > 0 && !unanswered && !wasKilled) {
        breaches.push(
          `${where}: ${estimated.length} estimated rows though the server answered every call in full and the process lived`,
        );
      }
    }
  }

  const total = emptyTally();
  const byModel = new Map<string, Tally>();
  for (const [key, t] of tallies) {
    const model = key.split('\t').slice(1).join(' ');
    const m = byModel.get(model) ?? emptyTally();
    for (const field of Object.keys(t) as Array<keyof Tally>) {
      m[field] += t[field];
      total[field] += t[field];
    }
    byModel.set(model, m);
  }
  const line = (label: string, t: Tally) =>
    `${label}: server answered ${formatNumber(
      t.deliveredCalls,
    )} calls (${formatNumber(
      t.inDoubtCalls,
    )} as its reader hung up), ${formatNumber(
      t.deliveredPrompt,
    )} prompt + ${formatNumber(
      t.deliveredCompletion,
    )} completion tokens; ledger exact ${formatNumber(
      t.exactPrompt,
    )} + ${formatNumber(t.exactCompletion)}; estimated rows: ${
      t.estimatedUnanswered
    } where the server never answered in full, ${
      t.estimatedKilled
    } answered but the caller was SIGKILLed first (${formatNumber(
      t.estimatedTokens,
    )} tokens)`;
  const tenants = new Set([...tallies.keys()].map(k => k.split('\t')[0]));
  return {
    name: 'every answered OpenAI call is on the ledger, tokens exact',
    figures: [
      `${record.openAiCalls.length} calls to the OpenAI server (${
        record.openAiCalls.filter(c => c.fault !== 'none').length
      } with an injected fault), ${tenants.size} tenants`,
      ...[...byModel].map(([model, t]) => line(model, t)),
      line('all', total),
      `unattributed: ${unattributedCalls} calls, ${unattributedRows} ledger rows`,
    ],
    breaches,
  };
}
