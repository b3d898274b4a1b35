// @ts-check

/**
 * The full-text branch of retrieval. PostgreSQL: a generated tsvector column
 * (English stemming and stop words) with a GIN index; BM25 is computed over
 * it at query time (src/search/fulltext). SQLite: an FTS5 table with the
 * porter tokenizer, whose bm25() ranks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      ALTER TABLE docuchat_chunks
        ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('english', text)) STORED`);
    await knex.raw(
      'CREATE INDEX docuchat_chunks_tsv_idx ON docuchat_chunks USING GIN (tsv)',
    );
  } else {
    await knex.raw(`
      CREATE VIRTUAL TABLE docuchat_chunks_fts USING fts5(
        text,
        chunk_id UNINDEXED,
        tenant_id UNINDEXED,
        document_id UNINDEXED,
        tokenize = 'porter unicode61'
      )`);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP INDEX docuchat_chunks_tsv_idx');
    await knex.raw('ALTER TABLE docuchat_chunks DROP COLUMN tsv');
  } else {
    await knex.raw('DROP TABLE docuchat_chunks_fts');
  }
};
