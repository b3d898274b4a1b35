import { Knex } from 'knex';
import { FullTextIndex } from './FullTextIndex';
import { PostgresFullTextIndex } from './PostgresFullTextIndex';
import { DEFAULT_FEEDBACK, FeedbackSettings } from './relevanceModel';
import { SqliteFullTextIndex } from './SqliteFullTextIndex';

/** The full-text index of the database the plugin was given. */
export function createFullTextIndex(
  knex: Knex,
  feedback: FeedbackSettings = DEFAULT_FEEDBACK,
): FullTextIndex {
  return knex.client.config.client === 'pg'
    ? new PostgresFullTextIndex(knex, feedback)
    : new SqliteFullTextIndex(knex, feedback);
}
