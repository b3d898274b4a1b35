// @ts-check

/**
 * Stored conversations: each belongs to one user in one tenant, and its
 * messages go with it (ON DELETE CASCADE), as does everything when the tenant
 * is deleted. Usage rows keep their conversation_id without a foreign key, so
 * deleting a conversation never touches billing history.
 *
 * Messages are ordered by `ordinal` (0, 1, 2, … per conversation, unique), not
 * by time: a question and its answer are written in the same millisecond.
 * `request_id` is unique per conversation, so the same ask request cannot be
 * appended twice.
 *
 * Timestamps have no database default: the store writes them. PostgreSQL
 * keeps timestamptz; on SQLite the store writes integer milliseconds since the
 * Unix epoch (UTC), as the usage ledger does, so ordering compares numbers
 * with millisecond precision on both (SQLite's CURRENT_TIMESTAMP has only
 * seconds).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('docuchat_conversations', table => {
    table.comment('Chat conversations, one user in one tenant each');
    table.uuid('id').primary();
    table
      .string('tenant_id', 63)
      .notNullable()
      .references('id')
      .inTable('docuchat_tenants')
      .onDelete('CASCADE');
    table.string('user_ref', 255).notNullable().comment('Catalog entity ref');
    table
      .string('title', 255)
      .notNullable()
      .comment('The first question, shortened');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('UTC; on SQLite integer epoch milliseconds');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('Last appended turn; UTC, on SQLite epoch milliseconds');
    table.index(
      ['tenant_id', 'user_ref', 'updated_at'],
      'docuchat_conversations_owner_time_idx',
    );
  });

  await knex.schema.createTable('docuchat_conversation_messages', table => {
    table.comment('Questions and answers of docuchat_conversations, in order');
    table.uuid('id').primary();
    table
      .uuid('conversation_id')
      .notNullable()
      .references('id')
      .inTable('docuchat_conversations')
      .onDelete('CASCADE');
    table
      .integer('ordinal')
      .notNullable()
      .checkBetween(
        [0, 2147483647],
        'docuchat_conversation_messages_ordinal_ck',
      )
      .comment('0, 1, 2, … within the conversation');
    table
      .string('role', 16)
      .notNullable()
      .checkIn(['user', 'assistant'], 'docuchat_conversation_messages_role_ck');
    table.text('content').notNullable();
    table
      .text('citations')
      .nullable()
      .comment('JSON array of citations, assistant messages only');
    table.string('model', 255).nullable().comment('Model that answered');
    table
      .string('request_id', 255)
      .nullable()
      .comment('The ask request; assistant messages only');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('UTC; on SQLite integer epoch milliseconds');
    table.unique(['conversation_id', 'ordinal'], {
      indexName: 'docuchat_conversation_messages_order_uq',
    });
    table.unique(['conversation_id', 'request_id'], {
      indexName: 'docuchat_conversation_messages_request_uq',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('docuchat_conversation_messages');
  await knex.schema.dropTable('docuchat_conversations');
};
