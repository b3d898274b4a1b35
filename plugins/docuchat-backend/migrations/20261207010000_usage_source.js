// @ts-check

/**
 * The ledger marks the embedding calls of a source's sync (2026-12-07):
 * `docuchat_usage.source_id`. They are billed to the tenant like an
 * upload's; the mark shows which usage the portal's sources caused.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('docuchat_usage', table => {
    table
      .uuid('source_id')
      .nullable()
      .comment("Set on embedding calls of a source's sync");
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('docuchat_usage', table => {
    table.dropColumn('source_id');
  });
};
