import { Knex } from 'knex';

/**
 * Roadie's rag-ai pgvector store (@roadiehq/rag-ai-storage-pgvector,
 * RoadiePgVectorStore), rewritten here so the benchmark needs none of its
 * packages. Faithful to:
 * - its migration: table `embeddings` (id uuid default uuid_generate_v4(),
 *   content text, metadata jsonb, vector vector — no dimension, no ANN
 *   index, no index on metadata);
 * - `addVectors`: rows of { content, vector: '[x,y,…]', metadata } through
 *   `knex.batchInsert(table, rows, chunkSize = 500)` (one transaction,
 *   multi-row INSERTs);
 * - `similaritySearchVectorWithScore`: `SELECT *, vector <=> :embedding AS
 *   "_distance" … WHERE metadata::jsonb @> :filter ORDER BY "_distance"
 *   LIMIT :amount` — the tenant is a key inside the jsonb metadata, so every
 *   query reads the whole table.
 */

export const ROADIE_TABLE = 'embeddings';

export async function createRoadieTable(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists "uuid-ossp"');
  await knex.raw('create extension if not exists "vector"');
  await knex.schema.createTable(ROADIE_TABLE, table => {
    table
      .uuid('id')
      .notNullable()
      .primary()
      .defaultTo(knex.raw('uuid_generate_v4()'));
    table.text('content').notNullable();
    table.jsonb('metadata').notNullable();
  });
  await knex.schema.raw(
    `ALTER TABLE ${ROADIE_TABLE} ADD vector vector NOT NULL;`,
  );
}

export interface RoadieDoc {
  content: string;
  metadata: Record<string, unknown>;
}

export async function roadieAddVectors(
  knex: Knex,
  vectors: number[][],
  documents: RoadieDoc[],
  chunkSize = 500,
): Promise<void> {
  const rows = [];
  for (let i = 0; i < vectors.length; i += 1) {
    const embeddingString = `[${vectors[i].join(',')}]`;
    rows.push({
      content: documents[i].content.replace(/\0/g, ''),
      vector: embeddingString.replace(/\0/g, ''),
      metadata: documents[i].metadata,
    });
  }
  await knex.batchInsert(ROADIE_TABLE, rows, chunkSize);
}

export async function roadieSearch(
  knex: Knex,
  query: number[],
  amount: number,
  filter: Record<string, unknown>,
): Promise<Array<{ metadata: Record<string, unknown>; _distance: number }>> {
  const embeddingString = `[${query.join(',')}]`;
  const queryString = `
      SELECT *, vector <=> :embeddingString as "_distance"
      FROM ${ROADIE_TABLE}
      WHERE metadata::jsonb @> :filter
      ORDER BY "_distance" ASC
      LIMIT :amount
    `;
  const result = await knex.raw(queryString, {
    embeddingString,
    filter: JSON.stringify(filter || {}),
    amount,
  });
  return result.rows;
}
