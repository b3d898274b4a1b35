import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { FullTextIndex } from '../FullTextIndex';
import { fullTextHeading } from '../../database/fullTextHeading';

const TITLE = 'notes.md';

/** Stores one document of the tenant with these chunk texts; returns chunk ids. */
export async function addDocument(
  knex: Knex,
  fullText: FullTextIndex,
  tenantId: string,
  texts: string[],
): Promise<string[]> {
  const documentId = randomUUID();
  const chunkIds = texts.map(() => randomUUID());
  await knex.transaction(async trx => {
    await trx('docuchat_documents').insert({
      id: documentId,
      tenant_id: tenantId,
      title: TITLE,
      content_type: 'text/markdown',
      content_hash: documentId.replace(/-/g, ''),
      size_bytes: 1,
      status: 'ready',
    });
    await trx('docuchat_chunks').insert(
      texts.map((text, ordinal) => ({
        id: chunkIds[ordinal],
        tenant_id: tenantId,
        document_id: documentId,
        ordinal,
        text,
        heading_path: '[]',
        fts_heading: fullTextHeading(TITLE, []),
        char_start: 0,
        char_end: text.length,
        token_count: 1,
        embedding_model: 'test',
        embedding_dimensions: 3,
      })),
    );
    await fullText.indexDocument(trx, tenantId, documentId);
  });
  return chunkIds;
}
