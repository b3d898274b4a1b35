import { Knex } from 'knex';
import { FullTextIndex } from './FullTextIndex';
import { PostgresFullTextIndex } from './PostgresFullTextIndex';
import { SqliteFullTextIndex } from './SqliteFullTextIndex';

/** The full-text index of the database the plugin was given. */
export function createFullTextIndex(knex: Knex): FullTextIndex {
  return knex.client.config.client === 'pg'
    ? new PostgresFullTextIndex(knex)
    : new SqliteFullTextIndex(knex);
}
