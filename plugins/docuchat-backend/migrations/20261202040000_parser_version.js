// @ts-check

/**
 * Re-chunking when the parser changes, as a change of embedding model
 * already re-embeds.
 *
 * - `docuchat_documents.parser_version`: the version of the parsers
 *   (src/ingest/parserVersion.ts) that produced the document's chunks.
 *   Documents ingested before this migration were parsed by version 1; at
 *   start-up the plugin queues every ready document with an older version
 *   once, and its ledger rows for that work are maintenance (not billable).
 * - `docuchat_chunks.blocks`: JSON list of the blocks a chunk holds (kind
 *   and offsets into its text: headings, paragraphs, list items, table
 *   rows, code), so answers can quote whole sentences and items. Null for
 *   chunks of version 1, which are re-chunked.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('docuchat_documents', table => {
    table
      .integer('parser_version')
      .notNullable()
      .defaultTo(1)
      .comment('Version of the parsers that produced the chunks');
  });
  await knex.schema.alterTable('docuchat_chunks', table => {
    table
      .text('blocks')
      .nullable()
      .comment('JSON [{ kind, start, end, partial? }]: the blocks held');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('docuchat_chunks', table => {
    table.dropColumn('blocks');
  });
  await knex.schema.alterTable('docuchat_documents', table => {
    table.dropColumn('parser_version');
  });
};
