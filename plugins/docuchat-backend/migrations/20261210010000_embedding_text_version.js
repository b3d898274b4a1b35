// @ts-check

/**
 * `docuchat_documents.embedding_text_version`: what the embedder was given
 * for the document's chunks (src/embeddings/embeddingText.ts). 1, every
 * document stored before this migration: the chunk's text alone; 2: title
 * and heading path, then the text. Older documents stay searchable as they
 * are and are re-embedded when an operator starts it (POST
 * /maintenance/reembed), never at start-up on their own.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('docuchat_documents', table => {
    table
      .integer('embedding_text_version')
      .notNullable()
      .defaultTo(1)
      .comment(
        'What the embedder read per chunk: 1 text, 2 title and headings too',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('docuchat_documents', table => {
    table.dropColumn('embedding_text_version');
  });
};
