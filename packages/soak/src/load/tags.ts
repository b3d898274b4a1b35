/**
 * How the OpenAI wire server tells which ask or document a call was for:
 * every question carries its request id (`ref soakq-…`), every paragraph
 * of a document its tag (`soakdoc…`, also the document's title). Both are
 * plain lowercase words, so they survive every parser and the chunker.
 */
export const requestIdFor = (tenantIndex: number, seq: number, salt: string) =>
  `soakq-${tenantIndex}-${seq}-${salt}`;

export const documentTagFor = (
  tenantIndex: number,
  seq: number,
  salt: string,
) => `soakdoc${tenantIndex}x${seq}x${salt}`;

const REQUEST_ID = /\bsoakq-\d+-\d+-[a-z0-9]+\b/;
const DOCUMENT_TAGS = /\bsoakdoc\d+x\d+x[a-z0-9]+\b/g;

export function requestIdIn(text: string): string | undefined {
  return REQUEST_ID.exec(text)?.[0];
}

/** Every document tag in `text`: one embedding call may serve several
 * documents (ingestion batches a tenant's small documents). */
export function documentTagsIn(text: string): string[] {
  return [...new Set(text.match(DOCUMENT_TAGS) ?? [])];
}
