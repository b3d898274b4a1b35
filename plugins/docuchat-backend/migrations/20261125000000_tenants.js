// @ts-check

/**
 * Tenants own every other DocuChat row (documents, chunks, usage, invoices).
 * Money and token counts elsewhere are integers; ids here are slugs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('docuchat_tenants', table => {
    table.comment('DocuChat tenants; every other DocuChat row belongs to one');
    table.string('id', 63).primary().comment('Slug, e.g. acme');
    table.string('display_name').notNullable();
    table.string('contact_email').nullable();
    table
      .string('mobile', 11)
      .nullable()
      .comment('Iranian mobile, 09xxxxxxxxx');
    table.string('owner_ref').notNullable().comment('Catalog entity ref');
    table.string('price_plan', 63).notNullable().defaultTo('default');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('docuchat_tenants');
};
