// @ts-check

/**
 * Ledger rows that survive a crash, and rows that are never billed.
 *
 * status: a model call's row is written `pending` before the call starts
 * (with the locally counted prompt), then `settled` by its request id with
 * the provider's usage when the call ends. A process that dies mid-call
 * leaves the row pending; the sweep settles it as estimated. Billing reads
 * settled rows only, so the ledger keeps exactly one row per call and no
 * call that the provider will charge for is lost. Rows written before this
 * migration were complete when written: they are settled.
 *
 * settled_at: when the row got its final token counts. Billing waits a
 * settle delay after a billing day ends; a row settled after its day was
 * billed goes on the next invoice as an adjustment line.
 *
 * billable: false for maintenance the operator causes (re-embedding every
 * stored document after a parser or model change): metered and shown, never
 * invoiced to the tenant.
 *
 * demo: rows made up by the demo seed, so they can be told apart and
 * removed; they are billed like any other row so the demo shows invoices.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('docuchat_usage', table => {
    table
      .string('status', 16)
      .notNullable()
      .defaultTo('settled')
      .comment('pending (call running) | settled (final token counts)');
    table
      .timestamp('settled_at', { useTz: true })
      .nullable()
      .comment('When the counts became final; null while pending');
    table
      .boolean('billable')
      .notNullable()
      .defaultTo(true)
      .comment('false: maintenance (re-embedding), never invoiced');
    table
      .boolean('demo')
      .notNullable()
      .defaultTo(false)
      .comment('Made up by the demo seed');
  });
  await knex('docuchat_usage').update({ settled_at: knex.ref('occurred_at') });
  await knex.schema.alterTable('docuchat_usage', table => {
    table.check(
      "status in ('pending', 'settled')",
      [],
      'docuchat_usage_status_ck',
    );
    // The sweep looks for old pending rows; they are few, so a partial index.
    table.index(['occurred_at'], 'docuchat_usage_pending_idx', {
      predicate: knex.whereRaw("status = 'pending'"),
    });
    table.index(['settled_at'], 'docuchat_usage_settled_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('docuchat_usage', table => {
    table.dropIndex([], 'docuchat_usage_settled_idx');
    table.dropIndex([], 'docuchat_usage_pending_idx');
    table.dropChecks(['docuchat_usage_status_ck']);
  });
  await knex.schema.alterTable('docuchat_usage', table => {
    table.dropColumn('demo');
    table.dropColumn('billable');
    table.dropColumn('settled_at');
    table.dropColumn('status');
  });
};
