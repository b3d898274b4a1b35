import type { Pool } from 'pg';

/**
 * The insert path of LangChain.js's PGVectorStore
 * (@langchain/community/vectorstores/pgvector), rewritten here so the
 * benchmark needs no LangChain packages. Faithful to its `addVectors`:
 * every vector becomes a `'[x,y,…]'` text literal, rows go in multi-row
 * parameterised INSERTs of `chunkSize` (default 500) rows via `pool.query`,
 * each batch in its own implicit transaction, into the table that
 * `ensureTableInDatabase(dimensions)` creates (no index besides the key).
 */

export interface LangchainDocument {
  pageContent: string;
  metadata: Record<string, unknown>;
}

export async function ensureLangchainTable(
  pool: Pool,
  tableName: string,
  dimensions: number,
): Promise<void> {
  await pool.query('CREATE EXTENSION IF NOT EXISTS vector;');
  await pool.query(`
      CREATE TABLE IF NOT EXISTS ${tableName} (
        "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        "text" text,
        "metadata" jsonb,
        "embedding" vector(${dimensions})
      );
    `);
}

function placeholdersForRow(index: number, numOfColumns: number): string {
  const placeholders = [];
  for (let i = 0; i < numOfColumns; i += 1) {
    placeholders.push(`$${index * numOfColumns + i + 1}`);
  }
  return `(${placeholders.join(', ')})`;
}

export async function langchainAddVectors(
  pool: Pool,
  tableName: string,
  vectors: number[][],
  documents: LangchainDocument[],
  chunkSize = 500,
): Promise<void> {
  const rows: Array<Array<string | Record<string, unknown>>> = [];
  for (let i = 0; i < vectors.length; i += 1) {
    const embeddingString = `[${vectors[i].join(',')}]`;
    rows.push([
      documents[i].pageContent.replace(/\0/g, ''),
      embeddingString.replace(/\0/g, ''),
      documents[i].metadata,
    ]);
  }
  const columns = ['text', 'embedding', 'metadata'];
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize);
    const text = `
      INSERT INTO ${tableName}(
        ${columns.map(column => `"${column}"`).join(', ')}
      )
      VALUES ${chunk
        .map((_, j) => placeholdersForRow(j, columns.length))
        .join(', ')}
    `;
    await pool.query(text, chunk.flat());
  }
}
