import { Knex } from 'knex';
import { WriteBatch } from '../database/WriteBatch';

const TABLE = 'docuchat_rate_windows';

/**
 * Fixed-window request counters in the database, so every backend replica
 * counts into the same window. One atomic upsert per hit, sent with the
 * removal of the key's earlier windows.
 */
export class DatabaseRateWindows {
  constructor(private readonly db: Knex) {}

  /**
   * Counts a hit of `key` in the window of `windowMs` that holds `now`; the
   * count of the window including this hit, and when the window ends. In
   * `batch` when given (resolved once its owner sent it), else now.
   */
  async hit(
    key: string,
    windowMs: number,
    now = new Date(),
    batch?: WriteBatch,
  ): Promise<{ count: number; windowEnd: Date }> {
    const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
    const statements = [
      this.db(TABLE)
        .insert({ key, window_start: windowStart, count: 1 })
        .onConflict(['key', 'window_start'])
        .merge({ count: this.db.raw('??.?? + 1', [TABLE, 'count']) })
        .returning('count'),
      // Earlier windows of this key are no longer read.
      this.db(TABLE)
        .where({ key })
        .andWhere('window_start', '<', windowStart)
        .delete()
        .returning('key'),
    ];
    return WriteBatch.addOrRun(this.db, batch, statements, ([[row]]) => ({
      count: Number(row.count),
      windowEnd: new Date(windowStart + windowMs),
    }));
  }
}
