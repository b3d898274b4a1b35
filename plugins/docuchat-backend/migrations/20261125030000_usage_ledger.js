// @ts-check

/**
 * The usage ledger: one row per model call, the source of truth for billing
 * (Prometheus counters are only compared against it). `request_id` is unique,
 * so a retried write of the same call is a no-op. Token counts are integers
 * and never negative.
 *
 * document_id, conversation_id and user_ref carry no foreign key: deleting a
 * document or a conversation must never delete billing history.
 *
 * occurred_at: PostgreSQL stores a timestamptz; on SQLite the ledger writes
 * integer milliseconds since the Unix epoch (UTC), which is also what knex's
 * better-sqlite3 client writes for a JS Date, so ranges and buckets compare
 * numbers there (see src/database/DatabaseUsageLedger.ts).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('docuchat_usage', table => {
    table.comment('Usage ledger: one row per model call, billed from here');
    table.increments('id').primary();
    table
      .string('request_id', 255)
      .notNullable()
      .unique({ indexName: 'docuchat_usage_request_id_uq' })
      .comment('Idempotency key of the model call');
    table
      .string('tenant_id', 63)
      .notNullable()
      .references('id')
      .inTable('docuchat_tenants');
    table.string('model', 255).notNullable();
    table
      .string('operation', 16)
      .notNullable()
      .checkIn(['chat', 'embedding'], 'docuchat_usage_operation_ck')
      .comment('chat|embedding (embedding includes ingestion)');
    table
      .integer('prompt_tokens')
      .notNullable()
      .checkBetween([0, 2147483647], 'docuchat_usage_prompt_tokens_ck');
    table
      .integer('completion_tokens')
      .notNullable()
      .checkBetween([0, 2147483647], 'docuchat_usage_completion_tokens_ck');
    table
      .boolean('estimated')
      .notNullable()
      .defaultTo(false)
      .comment('Counted by tokenizer: the provider reported no usage');
    table
      .timestamp('occurred_at', { useTz: true })
      .notNullable()
      .comment('UTC; on SQLite integer epoch milliseconds');
    table.string('user_ref', 255).nullable().comment('Catalog entity ref');
    table.string('document_id', 255).nullable().comment('No FK, on purpose');
    table.string('conversation_id', 255).nullable().comment('No FK');
    table.index(['tenant_id', 'occurred_at'], 'docuchat_usage_tenant_time_idx');
    table.index(['occurred_at'], 'docuchat_usage_time_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('docuchat_usage');
};
