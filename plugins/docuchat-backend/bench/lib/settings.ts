/**
 * Benchmark size and server. The size is a fraction of the full run:
 * `BENCH_SCALE=0.02` (what CI uses) or a first argument (`… bench:ingest 0.1`).
 */
export function benchScale(): number {
  const arg = process.argv.slice(2).find(a => /^[\d.]+$/.test(a));
  const raw = arg ?? process.env.BENCH_SCALE ?? '1';
  const scale = Number(raw);
  if (!(scale > 0 && scale <= 10)) {
    throw new Error(`Benchmark scale must be in (0, 10], got ${raw}`);
  }
  return scale;
}

export function postgres17ConnectionString(): string {
  const value =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES17_CONNECTION_STRING;
  if (!value) {
    throw new Error(
      'Set BACKSTAGE_TEST_DATABASE_POSTGRES17_CONNECTION_STRING (PostgreSQL 17 + pgvector >= 0.8), e.g. `source /var/tmp/docuchat-test-servers/env` after scripts/test-servers.sh',
    );
  }
  return value;
}
