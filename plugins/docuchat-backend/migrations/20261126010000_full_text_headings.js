// @ts-check

/**
 * Full text indexes each chunk under its headings: the document title and
 * the chunk's heading path come before its text, as one field, in both
 * databases. A chunk is a span of its document, so the second chunk of a
 * section has no heading words of its own; the words a reader sees above it
 * in a citation ("Backend › API › Uploads") now find it too.
 *
 * - `docuchat_chunks.fts_heading`: the title and the heading path, one per
 *   line, written with the chunk (src/search/fullTextHeading.ts).
 * - PostgreSQL: `tsv` and `fts_length` are generated from
 *   `fts_heading || E'\n' || text`, the BM25 statistics are counted again,
 *   and `fts_heading` joins the columns that are never updated in place.
 * - SQLite: the FTS5 rows are written again with the headings in front.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('docuchat_chunks', table => {
    table
      .text('fts_heading')
      .notNullable()
      .defaultTo('')
      .comment('Document title and heading path, one per line, for full text');
  });
  if (knex.client.config.client === 'pg') {
    // Before the backfill: with the tsvector columns and their GIN index in
    // place, every updated row also recomputed and reindexed them (20k
    // chunks of 250 words: 45 s for the migration instead of 20-24 s, which
    // is nearly all computing the new tsvectors, about 1 ms a chunk).
    await dropFullText(knex);
    await knex.raw(`
      UPDATE docuchat_chunks c
      SET fts_heading = concat_ws(E'\\n', d.title, (
        SELECT string_agg(h.value, E'\\n' ORDER BY h.n)
        FROM json_array_elements_text(c.heading_path::json)
          WITH ORDINALITY AS h(value, n)))
      FROM docuchat_documents d
      WHERE d.id = c.document_id`);
    await generateFullText(knex, `fts_heading || E'\\n' || text`);
    await refuseUpdatesOf(knex, 'text, tenant_id, fts_heading');
  } else {
    await knex.raw(`
      UPDATE docuchat_chunks
      SET fts_heading = (
        SELECT d.title || coalesce((
          SELECT char(10) || group_concat(h.value, char(10) ORDER BY h.key)
          FROM json_each(docuchat_chunks.heading_path) h), '')
        FROM docuchat_documents d
        WHERE d.id = docuchat_chunks.document_id)`);
    await rewriteSqliteRows(knex, `c.fts_heading || char(10) || c.text`);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client === 'pg') {
    await refuseUpdatesOf(knex, 'text, tenant_id');
    await dropFullText(knex);
    await generateFullText(knex, 'text');
  } else {
    await rewriteSqliteRows(knex, 'c.text');
  }
  await knex.schema.alterTable('docuchat_chunks', table => {
    table.dropColumn('fts_heading');
  });
};

/** @param {import('knex').Knex} knex */
async function dropFullText(knex) {
  await knex.raw(
    'ALTER TABLE docuchat_chunks DROP COLUMN tsv, DROP COLUMN fts_length',
  );
}

/**
 * Generates `tsv` and `fts_length` from `source` and recounts the BM25
 * statistics, which the chunk triggers only keep up on insert and delete.
 *
 * @param {import('knex').Knex} knex
 * @param {string} source
 */
async function generateFullText(knex, source) {
  await knex.raw(`
    ALTER TABLE docuchat_chunks
      ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (docuchat_fts_vector(${source})) STORED,
      ADD COLUMN fts_length integer
        GENERATED ALWAYS AS (docuchat_fts_length(docuchat_fts_vector(${source}))) STORED`);
  await knex.raw(
    'CREATE INDEX docuchat_chunks_tsv_idx ON docuchat_chunks USING GIN (tsv)',
  );
  await knex.raw('TRUNCATE docuchat_fts_tenants, docuchat_fts_lexemes');
  await knex.raw(`
    INSERT INTO docuchat_fts_tenants (tenant_id, chunk_count, total_length)
      SELECT tenant_id, count(*), sum(fts_length)
      FROM docuchat_chunks GROUP BY tenant_id`);
  await knex.raw(`
    INSERT INTO docuchat_fts_lexemes (tenant_id, lexeme, chunk_count)
      SELECT c.tenant_id, u.lexeme, count(*)
      FROM docuchat_chunks c, unnest(tsvector_to_array(c.tsv)) AS u(lexeme)
      GROUP BY c.tenant_id, u.lexeme`);
}

/**
 * The columns the statistics are counted from are never updated in place
 * (migration 20261126000000_full_text_statistics).
 *
 * @param {import('knex').Knex} knex
 * @param {string} columns
 */
async function refuseUpdatesOf(knex, columns) {
  await knex.raw(
    'DROP TRIGGER docuchat_fts_refuse_text_update ON docuchat_chunks',
  );
  await knex.raw(`
    CREATE OR REPLACE FUNCTION docuchat_fts_refuse_text_update() RETURNS trigger
      LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'docuchat_chunks columns ${columns} are not updated in place; delete and insert the chunk';
    END $$`);
  await knex.raw(`
    CREATE TRIGGER docuchat_fts_refuse_text_update
      BEFORE UPDATE OF ${columns} ON docuchat_chunks
      FOR EACH ROW EXECUTE FUNCTION docuchat_fts_refuse_text_update()`);
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} indexedText
 */
async function rewriteSqliteRows(knex, indexedText) {
  await knex.raw('DELETE FROM docuchat_chunks_fts');
  await knex.raw(`
    INSERT INTO docuchat_chunks_fts (text, chunk_id, tenant_id, document_id)
    SELECT ${indexedText}, c.id, c.tenant_id, c.document_id
    FROM docuchat_chunks c`);
}
