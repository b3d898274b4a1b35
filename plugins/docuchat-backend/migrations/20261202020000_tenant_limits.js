// @ts-check

/**
 * Limits a billed multi-tenant service needs (2026-12-02):
 *
 * - `docuchat_tenants.daily_token_budget`: an operator's override of
 *   `docuchat.limits.dailyTokenBudget` for one tenant; null means the
 *   configured default.
 * - `docuchat_rate_windows`: fixed-window request counters (asks per tenant
 *   per minute), shared by every backend replica through the database. A row
 *   is one key in one window; `window_start` is epoch milliseconds on both
 *   databases, so no timestamp conversions are involved. Old windows are
 *   deleted as new ones open.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('docuchat_tenants', table => {
    table
      .integer('daily_token_budget')
      .nullable()
      .comment('Most tokens per billing day; null: docuchat.limits default');
  });
  await knex.schema.createTable('docuchat_rate_windows', table => {
    table.comment('Request counters per key and fixed time window');
    table.string('key', 255).notNullable().comment('e.g. ask:acme');
    table
      .bigInteger('window_start')
      .notNullable()
      .comment('Start of the window, epoch milliseconds');
    table.integer('count').notNullable().defaultTo(0);
    table.primary(['key', 'window_start']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('docuchat_rate_windows');
  await knex.schema.alterTable('docuchat_tenants', table => {
    table.dropColumn('daily_token_budget');
  });
};
