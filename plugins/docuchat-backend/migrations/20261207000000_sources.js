// @ts-check

/**
 * Sources: a tenant's documents kept in sync with the portal (2026-12-07).
 *
 * - `docuchat_sources`: what to read (`kind` techdocs|catalog and a catalog
 *   `filter`), who created it, and the last sync (times, counts, errors).
 *   A sync is claimed with `sync_claimed_by` and a lease, so two replicas
 *   (or the schedule and a user) never sync one source at once.
 *   `admitted_refs` are the entities the last sync on a user's behalf could
 *   read: the schedule, which has no user, reads only those.
 * - `docuchat_documents.source_id`, `.source_key`, `.source_url`: a
 *   document a source made (one per TechDocs page or entity), its key in
 *   the source (page path or entity ref) and its portal URL. Null for
 *   uploads. Unique (source_id, source_key): a page is one document.

 * The ledger's mark of a source's embedding calls is the next migration.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('docuchat_sources', table => {
    table.comment('Sources of documents of a tenant: TechDocs or catalog');
    table.uuid('id').primary();
    table
      .string('tenant_id', 63)
      .notNullable()
      .references('id')
      .inTable('docuchat_tenants');
    table.string('kind', 16).notNullable().comment('techdocs|catalog');
    table.text('filter').notNullable().comment('catalog filter, key=value,…');
    table.string('title').notNullable();
    table.string('created_by', 255).nullable();
    table
      .text('admitted_refs')
      .nullable()
      .comment('JSON entity refs the last user-backed sync could read');
    table.string('sync_claimed_by', 255).nullable();
    table.timestamp('sync_lease_expires_at', { useTz: true }).nullable();
    table.timestamp('last_sync_started_at', { useTz: true }).nullable();
    table.timestamp('last_sync_finished_at', { useTz: true }).nullable();
    table.string('last_sync_outcome', 16).nullable();
    table.string('last_sync_trigger', 255).nullable();
    table
      .text('last_sync_counts')
      .nullable()
      .comment('JSON { added, changed, removed, failed, unchanged }');
    table
      .text('last_sync_errors')
      .nullable()
      .comment('JSON [{ key, message }]');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['tenant_id']);
  });
  await knex.schema.alterTable('docuchat_documents', table => {
    table
      .uuid('source_id')
      .nullable()
      .comment('The source that made it; null for uploads');
    table.string('source_kind', 16).nullable().comment('techdocs|catalog');
    table
      .string('source_key', 512)
      .nullable()
      .comment('Page path or entity ref within the source');
    table.text('source_url').nullable().comment('Portal URL it cites');
    table.unique(['source_id', 'source_key']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('docuchat_documents', table => {
    table.dropUnique(['source_id', 'source_key']);
    table.dropColumn('source_url');
    table.dropColumn('source_key');
    table.dropColumn('source_kind');
    table.dropColumn('source_id');
  });
  await knex.schema.dropTable('docuchat_sources');
};
