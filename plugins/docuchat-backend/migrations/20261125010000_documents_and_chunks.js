// @ts-check

/**
 * Documents and their chunks. Every row carries its tenant: every query is
 * scoped by tenant_id. Vectors live in tables owned by the vector store
 * (src/vectors), because their column type depends on the database.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('docuchat_documents', table => {
    table.comment('Uploaded documents; content goes to docuchat_chunks');
    table.uuid('id').primary();
    table
      .string('tenant_id', 63)
      .notNullable()
      .references('id')
      .inTable('docuchat_tenants');
    table.string('title').notNullable();
    table.string('file_name').nullable();
    table.string('content_type', 127).notNullable();
    table
      .string('content_hash', 64)
      .notNullable()
      .comment('sha256 hex of the raw bytes');
    table.integer('size_bytes').notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('queued|processing|ready|failed');
    table.text('error').nullable();
    table.integer('chunk_count').notNullable().defaultTo(0);
    table.integer('token_count').notNullable().defaultTo(0);
    table.string('embedding_model').nullable();
    table
      .binary('content')
      .nullable()
      .comment('raw upload, kept until ingested');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.unique(['tenant_id', 'content_hash']);
    table.index(['tenant_id', 'created_at']);
    table.index(['status']);
  });

  await knex.schema.createTable('docuchat_chunks', table => {
    table.comment('Passages of documents, the unit of retrieval and citation');
    table.uuid('id').primary();
    table.string('tenant_id', 63).notNullable();
    table
      .uuid('document_id')
      .notNullable()
      .references('id')
      .inTable('docuchat_documents')
      .onDelete('CASCADE');
    table.integer('ordinal').notNullable();
    table.text('text').notNullable();
    table.text('heading_path').notNullable().comment('JSON array of headings');
    table.integer('char_start').notNullable();
    table.integer('char_end').notNullable();
    table.integer('token_count').notNullable();
    table.string('embedding_model').notNullable();
    table.integer('embedding_dimensions').notNullable();
    table.index(['tenant_id']);
    table.index(['document_id', 'ordinal']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('docuchat_chunks');
  await knex.schema.dropTable('docuchat_documents');
};
