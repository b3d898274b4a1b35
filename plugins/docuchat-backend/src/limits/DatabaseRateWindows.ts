import { Knex } from 'knex';

const TABLE = 'docuchat_rate_windows';

/**
 * Fixed-window request counters in the database, so every backend replica
 * counts into the same window. One atomic upsert per hit.
 */
export class DatabaseRateWindows {
  constructor(private readonly db: Knex) {}

  /**
   * Counts a hit of `key` in the window of `windowMs` that holds `now`; the
   * count of the window including this hit, and when the window ends.
   */
  async hit(
    key: string,
    windowMs: number,
    now = new Date(),
  ): Promise<{ count: number; windowEnd: Date }> {
    const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
    const [row] = await this.db(TABLE)
      .insert({ key, window_start: windowStart, count: 1 })
      .onConflict(['key', 'window_start'])
      .merge({ count: this.db.raw('??.?? + 1', [TABLE, 'count']) })
      .returning('count');
    // Earlier windows of this key are no longer read.
    await this.db(TABLE)
      .where({ key })
      .andWhere('window_start', '<', windowStart)
      .delete();
    return {
      count: Number(typeof row === 'object' ? row.count : row),
      windowEnd: new Date(windowStart + windowMs),
    };
  }
}
