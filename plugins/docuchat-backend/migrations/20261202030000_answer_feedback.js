// @ts-check

/**
 * Feedback on answers: the asker rates an assistant message up or down, with
 * an optional reason, so operators see which answers fail users. One rating
 * per message (a second one replaces the first), so the columns live on the
 * message row and go with it when the conversation is deleted.
 *
 * No CHECK constraint on the rating: adding one to an existing table makes
 * SQLite rebuild it; the store accepts only 'up' and 'down'.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('docuchat_conversation_messages', table => {
    table
      .string('feedback_rating', 8)
      .nullable()
      .comment("'up' or 'down'; assistant messages only");
    table
      .text('feedback_reason')
      .nullable()
      .comment('Why, in the asker’s words');
    table
      .timestamp('feedback_at', { useTz: true })
      .nullable()
      .comment('Last rated; UTC, on SQLite epoch milliseconds');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('docuchat_conversation_messages', table => {
    table.dropColumn('feedback_rating');
    table.dropColumn('feedback_reason');
    table.dropColumn('feedback_at');
  });
};
