// @ts-check

/**
 * Ingestion claimed from the database with a lease (2026-12-02).
 *
 * A replica that starts ingesting a document sets `claimed_by` (its owner
 * id) and `lease_expires_at`, and pushes the lease forward while it works. A
 * replica that dies stops renewing: once the lease has expired any replica
 * may claim the document again. `attempts` counts claims, so a document that
 * kills its worker every time ends `failed` after a bounded number of tries
 * instead of looping for ever. A graceful release (shutdown) gives its
 * attempt back.
 *
 * Documents left `processing` by a process that died before this migration
 * have no lease: they are re-queued here, so nothing stays processing.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('docuchat_documents', table => {
    table
      .string('claimed_by', 255)
      .nullable()
      .comment('Owner id of the replica ingesting it; null when unclaimed');
    table
      .timestamp('lease_expires_at', { useTz: true })
      .nullable()
      .comment('The claim is void after this; any replica may take it');
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Claims since the last upload or reindex');
  });
  await knex('docuchat_documents')
    .where({ status: 'processing' })
    .update({ status: 'queued' });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('docuchat_documents', table => {
    table.dropColumn('attempts');
    table.dropColumn('lease_expires_at');
    table.dropColumn('claimed_by');
  });
};
