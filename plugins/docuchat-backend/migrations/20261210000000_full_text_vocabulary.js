// @ts-check

/**
 * SQLite: FTS5's own vocabulary of the full-text index (an `fts5vocab`
 * table of type `row`: each term with the number of chunks holding it), so
 * feedback expansion can look up the document frequencies of candidate
 * terms (src/search/SqliteFullTextIndex.ts). It stores nothing: FTS5 reads
 * it from the index, always in step with it.
 *
 * PostgreSQL keeps these counts in docuchat_fts_lexemes (migration
 * 20261126000000_full_text_statistics): nothing to do there.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.config.client === 'pg') return;
  await knex.raw(
    'CREATE VIRTUAL TABLE docuchat_chunks_fts_vocab USING fts5vocab(docuchat_chunks_fts, row)',
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client === 'pg') return;
  await knex.raw('DROP TABLE docuchat_chunks_fts_vocab');
};
