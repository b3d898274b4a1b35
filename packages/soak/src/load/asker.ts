import { AskRecord } from '../record';
import { Api } from './api';

const ASK_TIMEOUT_MS = 60_000;

/**
 * One streamed question, read like the DocuChat page reads it: status,
 * then `citations`, `meta`, `token`…, `usage`, `done` (or `error`).
 * With `cancelAfterTokens` the client hangs up after that many tokens.
 */
export async function ask(
  api: Api,
  options: {
    tenant: string;
    requestId: string;
    question: string;
    cancelAfterTokens?: number;
  },
): Promise<AskRecord> {
  const { tenant, requestId, question, cancelAfterTokens } = options;
  const record: AskRecord = {
    requestId,
    tenant,
    start: Date.now(),
    end: 0,
    status: 0,
    outcome: 'transport-error',
    cancelAfterTokens,
  };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ASK_TIMEOUT_MS);
  try {
    const res = await api.fetch(`/api/docuchat/tenants/${tenant}/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question, requestId }),
      signal: controller.signal,
      op: requestId,
    });
    record.status = res.status;
    if (!res.ok || !res.body) {
      record.outcome = 'http-error';
      record.error = (await res.text().catch(() => '')).slice(0, 300);
      return record;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let tokens = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        record.error = 'the stream ended without done or error';
        return record;
      }
      buffer += decoder.decode(value, { stream: true });
      for (
        let split = buffer.indexOf('\n\n');
        split >= 0;
        split = buffer.indexOf('\n\n')
      ) {
        const event = /^event: (\w+)/m.exec(buffer.slice(0, split))?.[1];
        const data = /^data: (.*)$/m.exec(buffer.slice(0, split))?.[1];
        buffer = buffer.slice(split + 2);
        if (event === 'token') {
          tokens++;
          record.firstTokenAt ??= Date.now();
          if (cancelAfterTokens !== undefined && tokens >= cancelAfterTokens) {
            record.outcome = 'cancelled';
            controller.abort();
            return record;
          }
        } else if (event === 'error') {
          record.outcome = 'stream-error';
          record.error = data?.slice(0, 300);
          return record;
        } else if (event === 'done') {
          record.outcome = 'answered';
          return record;
        }
      }
    }
  } catch (error) {
    if (record.outcome !== 'cancelled') {
      record.outcome = 'transport-error';
      record.error = String(error).slice(0, 300);
    }
    return record;
  } finally {
    clearTimeout(timer);
    record.end = Date.now();
  }
}
