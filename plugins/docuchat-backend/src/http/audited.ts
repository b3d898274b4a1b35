import { toError } from '@backstage/errors';
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';

/** What an audit event may say about a change: ids, counts, states. */
export type AuditMeta = Record<string, string | number | boolean | null>;

/**
 * Runs `action` as one audit event: `success` with `resultMeta(result)`, or
 * `fail` with the error, which is rethrown. An action that reports its own
 * failure instead of throwing (a billing run answers with its report) names
 * it with `failureOf`: the event fails, the result is still returned. The
 * one way DocuChat audits a change (tenants, documents, billing): the event
 * names who (from `request`: Backstage's auditor reads the credentials),
 * what (`eventId`, kebab-case, no plugin prefix), which tenant (`meta`) and
 * the outcome. Meta carries ids, counts and states only: never a secret, a
 * document's text, a question or an answer.
 */
export async function audited<T>(
  auditor: AuditorService,
  options: AuditorServiceCreateEventOptions & { meta: AuditMeta },
  action: () => Promise<T>,
  resultMeta?: (result: T) => AuditMeta,
  failureOf?: (result: T) => Error | undefined,
): Promise<T> {
  const event = await auditor.createEvent(options);
  let result: T;
  try {
    result = await action();
  } catch (error) {
    await event.fail({
      error: toError(error),
    });
    throw error;
  }
  const meta = resultMeta?.(result);
  const failure = failureOf?.(result);
  if (failure) {
    await event.fail({ error: failure, ...(meta ? { meta } : {}) });
  } else {
    await event.success(meta ? { meta } : undefined);
  }
  return result;
}
