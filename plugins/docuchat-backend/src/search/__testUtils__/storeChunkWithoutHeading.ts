import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

export const HEADINGS_MIGRATION = '20261126010000_full_text_headings.js';

/** A chunk of tenant acme as the schema before HEADINGS_MIGRATION stored it. */
export async function storeChunkWithoutHeading(
  knex: Knex,
  chunk: { title: string; headingPath: string[]; text: string },
): Promise<string> {
  const documentId = randomUUID();
  const chunkId = randomUUID();
  await knex('docuchat_documents').insert({
    id: documentId,
    tenant_id: 'acme',
    title: chunk.title,
    content_type: 'text/markdown',
    content_hash: documentId.replace(/-/g, ''),
    size_bytes: 1,
    status: 'ready',
  });
  await knex('docuchat_chunks').insert({
    id: chunkId,
    tenant_id: 'acme',
    document_id: documentId,
    ordinal: 0,
    text: chunk.text,
    heading_path: JSON.stringify(chunk.headingPath),
    char_start: 0,
    char_end: chunk.text.length,
    token_count: 1,
    embedding_model: 'test',
    embedding_dimensions: 3,
  });
  if (knex.client.config.client !== 'pg') {
    await knex('docuchat_chunks_fts').insert({
      text: chunk.text,
      chunk_id: chunkId,
      tenant_id: 'acme',
      document_id: documentId,
    });
  }
  return chunkId;
}
