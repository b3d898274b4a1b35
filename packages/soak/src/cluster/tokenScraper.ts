import { ProcessRecord, TokenCount } from '../record';

/**
 * Reads `openai_tokens_total` from a process's `/api/docuchat/metrics`
 * into its record (`lastScrape`): every few seconds for every process, and
 * once more right before the soak signals one, so what a process counted
 * is known up to the moment it dies.
 */
export async function scrapeTokens(
  url: string,
  record: ProcessRecord,
  token: string,
): Promise<boolean> {
  const at = Date.now();
  const res = await fetch(`${url}/api/docuchat/metrics`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(3000),
  }).catch(() => undefined);
  const text = res?.ok ? await res.text().catch(() => undefined) : undefined;
  if (text === undefined) {
    if (record.exitedAt === undefined) {
      (record.failedScrapes ??= []).push(at);
    }
    return false;
  }
  record.lastScrape = { at, tokens: parseTokenCounters(text) };
  return true;
}

const SAMPLE = /^openai_tokens_total\{([^}]*)\}\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The `openai_tokens_total` samples of a Prometheus text exposition. */
export function parseTokenCounters(text: string): TokenCount[] {
  const counts: TokenCount[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of match[1].matchAll(LABEL)) {
      labels[name] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    counts.push({
      tenant: labels.tenant,
      model: labels.model,
      direction: labels.direction === 'completion' ? 'completion' : 'prompt',
      value: Number(match[2]),
    });
  }
  return counts;
}
