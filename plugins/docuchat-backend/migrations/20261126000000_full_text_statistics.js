// @ts-check

/**
 * PostgreSQL keeps BM25's collection statistics per tenant, so a search no
 * longer counts them over every chunk that shares a word with the question
 * (bench:ask, 10k chunks: 40 ms of database time per question, most of it
 * reading the tsvectors of chunks that matched only common words).
 *
 * - `docuchat_fts_tenants`: the tenant's chunk count and total length in
 *   words (N and avgdl).
 * - `docuchat_fts_lexemes`: per tenant and lexeme, how many chunks contain
 *   it (the document frequency).
 *
 * Statement-level triggers on docuchat_chunks keep both in step with every
 * insert, delete and truncate (reindexes, document deletes, cascades), in the same
 * transaction, so the statistics are never ahead of or behind the chunks a
 * search can see. The tenant row is written first: a transaction that
 * changes a tenant's chunks holds that row until it commits, so two of them
 * never lock lexeme rows in opposite orders (no deadlocks), at the price of
 * writing one tenant's chunks one transaction at a time. Chunk texts are
 * never updated in place, and the trigger refuses it rather than miscount.
 *
 * SQLite's FTS5 keeps its own statistics: nothing to do there.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`
    CREATE TABLE docuchat_fts_tenants (
      tenant_id varchar(63) PRIMARY KEY,
      chunk_count integer NOT NULL,
      total_length bigint NOT NULL
    )`);
  await knex.raw(`
    CREATE TABLE docuchat_fts_lexemes (
      tenant_id varchar(63) NOT NULL,
      lexeme text NOT NULL,
      chunk_count integer NOT NULL,
      PRIMARY KEY (tenant_id, lexeme)
    )`);
  await knex.raw(`
    CREATE FUNCTION docuchat_fts_count_inserted() RETURNS trigger
      LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO docuchat_fts_tenants AS t (tenant_id, chunk_count, total_length)
        SELECT tenant_id, count(*), sum(fts_length)
        FROM inserted GROUP BY tenant_id ORDER BY tenant_id
      ON CONFLICT (tenant_id) DO UPDATE
        SET chunk_count = t.chunk_count + excluded.chunk_count,
            total_length = t.total_length + excluded.total_length;
      INSERT INTO docuchat_fts_lexemes AS l (tenant_id, lexeme, chunk_count)
        SELECT c.tenant_id, u.lexeme, count(*)
        FROM inserted c, unnest(tsvector_to_array(c.tsv)) AS u(lexeme)
        GROUP BY c.tenant_id, u.lexeme ORDER BY c.tenant_id, u.lexeme
      ON CONFLICT (tenant_id, lexeme) DO UPDATE
        SET chunk_count = l.chunk_count + excluded.chunk_count;
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE FUNCTION docuchat_fts_count_deleted() RETURNS trigger
      LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE docuchat_fts_tenants t
        SET chunk_count = t.chunk_count - d.chunk_count,
            total_length = t.total_length - d.total_length
        FROM (SELECT tenant_id, count(*) AS chunk_count,
                     sum(fts_length) AS total_length
              FROM deleted GROUP BY tenant_id) d
        WHERE t.tenant_id = d.tenant_id;
      UPDATE docuchat_fts_lexemes l
        SET chunk_count = l.chunk_count - d.chunk_count
        FROM (SELECT c.tenant_id, u.lexeme, count(*) AS chunk_count
              FROM deleted c, unnest(tsvector_to_array(c.tsv)) AS u(lexeme)
              GROUP BY c.tenant_id, u.lexeme) d
        WHERE l.tenant_id = d.tenant_id AND l.lexeme = d.lexeme;
      DELETE FROM docuchat_fts_lexemes l
        USING (SELECT DISTINCT c.tenant_id, u.lexeme
               FROM deleted c, unnest(tsvector_to_array(c.tsv)) AS u(lexeme)) d
        WHERE l.tenant_id = d.tenant_id AND l.lexeme = d.lexeme
          AND l.chunk_count <= 0;
      DELETE FROM docuchat_fts_tenants t
        USING (SELECT DISTINCT tenant_id FROM deleted) d
        WHERE t.tenant_id = d.tenant_id AND t.chunk_count <= 0;
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE FUNCTION docuchat_fts_refuse_text_update() RETURNS trigger
      LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'docuchat_chunks.text and tenant_id are not updated in place; delete and insert the chunk';
    END $$`);
  await knex.raw(`
    CREATE FUNCTION docuchat_fts_forget_all() RETURNS trigger
      LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE docuchat_fts_tenants, docuchat_fts_lexemes;
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE TRIGGER docuchat_fts_count_inserted
      AFTER INSERT ON docuchat_chunks
      REFERENCING NEW TABLE AS inserted
      FOR EACH STATEMENT EXECUTE FUNCTION docuchat_fts_count_inserted()`);
  await knex.raw(`
    CREATE TRIGGER docuchat_fts_count_deleted
      AFTER DELETE ON docuchat_chunks
      REFERENCING OLD TABLE AS deleted
      FOR EACH STATEMENT EXECUTE FUNCTION docuchat_fts_count_deleted()`);
  await knex.raw(`
    CREATE TRIGGER docuchat_fts_forget_all
      AFTER TRUNCATE ON docuchat_chunks
      FOR EACH STATEMENT EXECUTE FUNCTION docuchat_fts_forget_all()`);
  await knex.raw(`
    CREATE TRIGGER docuchat_fts_refuse_text_update
      BEFORE UPDATE OF text, tenant_id ON docuchat_chunks
      FOR EACH ROW EXECUTE FUNCTION docuchat_fts_refuse_text_update()`);
  // The chunks already stored.
  await knex.raw(`
    INSERT INTO docuchat_fts_tenants (tenant_id, chunk_count, total_length)
      SELECT tenant_id, count(*), sum(fts_length)
      FROM docuchat_chunks GROUP BY tenant_id`);
  await knex.raw(`
    INSERT INTO docuchat_fts_lexemes (tenant_id, lexeme, chunk_count)
      SELECT c.tenant_id, u.lexeme, count(*)
      FROM docuchat_chunks c, unnest(tsvector_to_array(c.tsv)) AS u(lexeme)
      GROUP BY c.tenant_id, u.lexeme`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(
    'DROP TRIGGER docuchat_fts_refuse_text_update ON docuchat_chunks',
  );
  await knex.raw('DROP TRIGGER docuchat_fts_forget_all ON docuchat_chunks');
  await knex.raw('DROP TRIGGER docuchat_fts_count_deleted ON docuchat_chunks');
  await knex.raw('DROP TRIGGER docuchat_fts_count_inserted ON docuchat_chunks');
  await knex.raw('DROP FUNCTION docuchat_fts_refuse_text_update()');
  await knex.raw('DROP FUNCTION docuchat_fts_forget_all()');
  await knex.raw('DROP FUNCTION docuchat_fts_count_deleted()');
  await knex.raw('DROP FUNCTION docuchat_fts_count_inserted()');
  await knex.raw('DROP TABLE docuchat_fts_lexemes');
  await knex.raw('DROP TABLE docuchat_fts_tenants');
};
