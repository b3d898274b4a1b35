// @ts-check

/**
 * Full text, second version: both databases cut text into the same words and
 * measure a chunk's length the same way, so their BM25 rankings agree.
 *
 * - Words are runs of letters and digits; ASCII punctuation separates them,
 *   except `_`, which joins (`ef_search`, `token_count` are one identifier).
 *   PostgreSQL's own parser otherwise indexes compounds such as
 *   `hnsw.ef_search`, `full-text` or `src/plugin.ts` as extra lexemes that
 *   no question contains, and SQLite's unicode61 tokenizer split `_`.
 * - PostgreSQL: `docuchat_fts_vector(text)` is that analysis (then the
 *   `english` configuration: Snowball stemmer, stop words); the search uses
 *   it for questions too. `fts_length` is the chunk's length in words, stop
 *   words included, which is what FTS5's bm25() divides by.
 * - SQLite: the FTS5 table is rebuilt with `tokenchars '_'`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.config.client === 'pg') {
    // Underscores first, so identifiers join before punctuation splits.
    await knex.raw(`
      CREATE FUNCTION docuchat_fts_vector(document text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN to_tsvector('english',
          regexp_replace(replace(document, '_', ''), '[!-/:-@[-^\`{-~]+', ' ', 'g'))`);
    // Positions count every word, stop words too; the last one is the length.
    await knex.raw(`
      CREATE FUNCTION docuchat_fts_length(vector tsvector) RETURNS integer
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN (SELECT coalesce(max(p), 0)
                FROM unnest(vector) u, unnest(u.positions) p)`);
    await knex.raw('ALTER TABLE docuchat_chunks DROP COLUMN tsv');
    await knex.raw(`
      ALTER TABLE docuchat_chunks
        ADD COLUMN tsv tsvector
          GENERATED ALWAYS AS (docuchat_fts_vector(text)) STORED,
        ADD COLUMN fts_length integer
          GENERATED ALWAYS AS (docuchat_fts_length(docuchat_fts_vector(text))) STORED`);
    await knex.raw(
      'CREATE INDEX docuchat_chunks_tsv_idx ON docuchat_chunks USING GIN (tsv)',
    );
  } else {
    await rebuildSqliteIndex(knex, "porter unicode61 tokenchars '_'");
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw(
      'ALTER TABLE docuchat_chunks DROP COLUMN tsv, DROP COLUMN fts_length',
    );
    await knex.raw('DROP FUNCTION docuchat_fts_length(tsvector)');
    await knex.raw('DROP FUNCTION docuchat_fts_vector(text)');
    await knex.raw(`
      ALTER TABLE docuchat_chunks
        ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('english', text)) STORED`);
    await knex.raw(
      'CREATE INDEX docuchat_chunks_tsv_idx ON docuchat_chunks USING GIN (tsv)',
    );
  } else {
    await rebuildSqliteIndex(knex, 'porter unicode61');
  }
};

/**
 * FTS5 cannot change a table's tokenizer: copy the rows into a new table.
 *
 * @param {import('knex').Knex} knex
 * @param {string} tokenize
 */
async function rebuildSqliteIndex(knex, tokenize) {
  await knex.raw(`
    CREATE VIRTUAL TABLE docuchat_chunks_fts_next USING fts5(
      text,
      chunk_id UNINDEXED,
      tenant_id UNINDEXED,
      document_id UNINDEXED,
      tokenize = "${tokenize}"
    )`);
  await knex.raw(`
    INSERT INTO docuchat_chunks_fts_next (text, chunk_id, tenant_id, document_id)
    SELECT text, chunk_id, tenant_id, document_id FROM docuchat_chunks_fts`);
  await knex.raw('DROP TABLE docuchat_chunks_fts');
  await knex.raw(
    'ALTER TABLE docuchat_chunks_fts_next RENAME TO docuchat_chunks_fts',
  );
}
