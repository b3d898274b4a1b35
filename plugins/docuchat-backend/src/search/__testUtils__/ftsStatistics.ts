import { Knex } from 'knex';

/** The statistics recounted from the chunks, in the tables' shape. */
export async function recount(knex: Knex) {
  const tenants = await knex.raw(`
    SELECT tenant_id, count(*)::int AS chunk_count, sum(fts_length)::bigint AS total_length
    FROM docuchat_chunks GROUP BY tenant_id ORDER BY tenant_id`);
  const lexemes = await knex.raw(`
    SELECT c.tenant_id, u.lexeme, count(*)::int AS chunk_count
    FROM docuchat_chunks c, unnest(tsvector_to_array(c.tsv)) AS u(lexeme)
    GROUP BY c.tenant_id, u.lexeme ORDER BY c.tenant_id, u.lexeme`);
  return { tenants: tenants.rows, lexemes: lexemes.rows };
}

/** The rows of the statistics tables the chunk triggers keep. */
export async function statistics(knex: Knex) {
  const tenants = await knex.raw(`
    SELECT tenant_id, chunk_count, total_length
    FROM docuchat_fts_tenants ORDER BY tenant_id`);
  const lexemes = await knex.raw(`
    SELECT tenant_id, lexeme, chunk_count
    FROM docuchat_fts_lexemes ORDER BY tenant_id, lexeme`);
  return { tenants: tenants.rows, lexemes: lexemes.rows };
}
