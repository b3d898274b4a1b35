import { SoakRecord } from '../record';
import { InvariantResult } from './types';

const REFUSALS = new Set([400, 413, 415, 422]);
/**
 * Bad files only a parser finds: uploads get the cheap checks (size, type,
 * encoding, signature) and parsing runs in a worker afterwards (issue 23),
 * so these may be accepted with 202 and then must end `failed` with the
 * reason, or be refused up front.
 */
const FOUND_BY_PARSING = new Set(['corrupt pdf', 'corrupt docx']);

/**
 * Every upload ends `ready` or `failed` with a reason; none is left
 * `queued` or `processing` once the leases and polls had time to work
 * (the soak waits for them before reading the rows). Every upload the API
 * accepted has its document; every bad file was refused with a 4xx and
 * left nothing behind, or (a file only a parser can tell bad) accepted and
 * failed with its reason; every good file was accepted.
 */
export function checkUploadsSettle(record: SoakRecord): InvariantResult {
  const breaches: string[] = [];
  const byTitle = new Map(record.documents.map(d => [d.title, d]));
  const statuses = new Map<string, number>();
  for (const doc of record.documents) {
    statuses.set(doc.status, (statuses.get(doc.status) ?? 0) + 1);
    if (doc.status === 'ready') continue;
    if (doc.status === 'failed') {
      if (!doc.error?.trim()) {
        breaches.push(
          `document ${doc.title} (${doc.id}) failed without a reason`,
        );
      }
      continue;
    }
    breaches.push(
      `document ${doc.title} (${doc.id}) is still ${doc.status} after ${doc.attempts} attempts`,
    );
  }
  const outcomes = new Map<string, number>();
  for (const upload of record.uploads) {
    const doc = byTitle.get(upload.tag);
    const label = `${upload.bad ? `bad (${upload.bad})` : upload.format} → ${
      upload.status
    }`;
    outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
    if (
      upload.bad &&
      FOUND_BY_PARSING.has(upload.bad) &&
      upload.status === 202
    ) {
      if (doc?.status !== 'failed') {
        breaches.push(
          `bad file ${upload.tag} (${
            upload.bad
          }) was accepted but its document ${
            doc ? `is ${doc.status}` : 'is missing'
          }, not failed with a reason`,
        );
      }
      continue;
    }
    if (upload.bad) {
      if (!REFUSALS.has(upload.status)) {
        breaches.push(
          `bad file ${upload.tag} (${upload.bad}) answered ${upload.status}, not a 4xx refusal`,
        );
      }
      if (doc) {
        breaches.push(
          `bad file ${upload.tag} (${upload.bad}) left document ${doc.id} (${doc.status})`,
        );
      }
      continue;
    }
    if (upload.status !== 200 && upload.status !== 202) {
      breaches.push(
        `upload ${upload.tag} (${upload.format}) was not accepted: ${upload.status} after ${upload.attempts} attempts`,
      );
    } else if (!doc) {
      breaches.push(
        `upload ${upload.tag} (${upload.format}) was accepted (${upload.status}) but has no document`,
      );
    }
  }
  const failedReasons = new Map<string, number>();
  for (const doc of record.documents.filter(d => d.status === 'failed')) {
    const reason = (doc.error ?? '').slice(0, 100);
    failedReasons.set(reason, (failedReasons.get(reason) ?? 0) + 1);
  }
  const list = (map: Map<string, number>) =>
    [...map]
      .sort()
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
  return {
    name: 'every upload ends ready or failed with a reason',
    figures: [
      `${record.uploads.length} uploads (${
        record.uploads.filter(u => u.attempts > 1).length
      } retried by the client): ${list(outcomes)}`,
      `${record.documents.length} documents: ${list(statuses) || 'none'}`,
      ...(failedReasons.size > 0
        ? [`failed because: ${list(failedReasons)}`]
        : []),
    ],
    breaches,
  };
}
