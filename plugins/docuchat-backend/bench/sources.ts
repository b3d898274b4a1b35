/**
 * bench:sources — a TechDocs site of 50 pages (× BENCH_SCALE, at least 3)
 * synced into a tenant through the real catalog and TechDocs backends (the
 * local generator running `mkdocs`), on the embedded defaults: SQLite and
 * the local embedding model (issue 29).
 *
 * Prints, side by side: the first sync (every page embedded: what a
 * non-incremental sync pays on every run), a re-sync without changes, and a
 * re-sync after one page changed — time until every document is ready,
 * embedding calls and embedded tokens (from the usage ledger, where each
 * call is a row marked with the source). Targets: first sync ≤ 60 s at full
 * size; a re-sync without changes makes 0 embedding calls; one changed page
 * re-embeds only its own chunks. Exits non-zero when a sync fails or either
 * count target is missed.
 *
 *   yarn bench:sources
 *   BENCH_SCALE=0.02 yarn bench:sources
 */
import knexFactory, { Knex } from 'knex';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { ALICE, as } from '../src/__testUtils__/testUsers';
import { applyDatabaseMigrations } from '../src/database/migrations';
import {
  createPortalRepository,
  SitePages,
  startPortalTestBackend,
  waitForDocuments,
  waitForSync,
  writeSite,
} from '../src/__testUtils__/portalTestBackend';
import { fixed, printTable, thousands, timed } from './lib/report';
import { benchScale } from './lib/settings';

// Generous: the first sync embeds every page on the local model.
const WAIT_MS = 600_000;

const TOPICS = [
  'invoices',
  'refunds',
  'backups',
  'latency',
  'scaling',
  'secrets',
  'tenants',
  'alerts',
  'upgrades',
  'quotas',
];

/** A page of about 600 words under three headings, different per page. */
function page(index: number, revision = 0): string {
  const topic = TOPICS[index % TOPICS.length];
  const sentence = (n: number) =>
    `Step ${n} of the ${topic} procedure ${index} (revision ${revision}) checks the ${
      TOPICS[(index + n) % TOPICS.length]
    } dashboard, writes down the value it shows and compares it with the threshold agreed with the team on call.`;
  const section = (title: string, from: number) =>
    `## ${title}\n\n${Array.from({ length: 8 }, (_, i) =>
      sentence(from + i),
    ).join(' ')}\n`;
  return `# ${topic} runbook ${index}\n\n${section('Symptoms', 0)}\n${section(
    'Diagnosis',
    8,
  )}\n${section('Resolution', 16)}`;
}

async function ledger(knex: Knex, sourceId: string) {
  const [row] = await knex('docuchat_usage')
    .where({ source_id: sourceId, operation: 'embedding' })
    .count({ calls: '*' })
    .sum({ tokens: 'prompt_tokens' });
  return { calls: Number(row.calls), tokens: Number(row.tokens ?? 0) };
}

async function main() {
  const pages = Math.max(3, Math.round(50 * benchScale()));
  const site: SitePages = {};
  for (let i = 0; i < pages; i++) {
    site[i === 0 ? 'index.md' : `page-${i}.md`] = page(i);
  }
  const repository = await createPortalRepository(site);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await applyDatabaseMigrations(knex);
  const server = await startPortalTestBackend({
    knex,
    openAiBaseURL: 'http://127.0.0.1:9', // unused: the local model embeds
    repository,
    // The embedded defaults: local model, default chunking.
    docuchat: {
      embeddings: { provider: 'local' },
      openai: undefined,
      ingestion: undefined,
    },
  });
  const api = (path: string) => `/api/docuchat/tenants/acme${path}`;
  let failed = false;

  // The local model loads on its first call: warm it up before timing.
  await request(server)
    .post(api('/documents'))
    .set('Authorization', as(ALICE))
    .send({ title: 'warm-up', text: 'Warm up the local model.' });
  await waitForDocuments(server, 'acme', ALICE);

  const sync = async (start: () => Promise<string>) => {
    const { result, ms } = await timed(async () => {
      const sourceId = await start();
      const source = await waitForSync(
        server,
        'acme',
        sourceId,
        ALICE,
        WAIT_MS,
      );
      await waitForDocuments(server, 'acme', ALICE, WAIT_MS);
      return { sourceId, source };
    });
    if (result.source.lastSync.outcome !== 'ok') {
      process.stderr.write(
        `Sync ${result.source.lastSync.outcome}: ${JSON.stringify(
          result.source.lastSync.errors,
        )}\n`,
      );
      failed = true;
    }
    return { ...result, ms };
  };

  const first = await sync(async () => {
    const res = await request(server)
      .post(api('/sources'))
      .set('Authorization', as(ALICE))
      .send({ kind: 'techdocs', filter: 'metadata.name=billing' });
    return res.body.id;
  });
  const { sourceId } = first;
  const afterFirst = await ledger(knex, sourceId);
  const [{ chunks }] = await knex('docuchat_chunks')
    .join(
      'docuchat_documents',
      'docuchat_documents.id',
      'docuchat_chunks.document_id',
    )
    .where('docuchat_documents.source_id', sourceId)
    .count({ chunks: '*' });

  const resyncOf = () =>
    sync(async () => {
      await request(server)
        .post(api(`/sources/${sourceId}/sync`))
        .set('Authorization', as(ALICE))
        .expect(202);
      return sourceId;
    });
  const unchanged = await resyncOf();
  const afterUnchanged = await ledger(knex, sourceId);

  // One page changes; TechDocs rebuilds a site at most once a minute.
  await writeSite(repository, 'billing', { ...site, 'page-1.md': page(1, 1) });
  const realNow = Date.now;
  Date.now = () => realNow() + 61_000;
  const changed = await resyncOf();
  Date.now = realNow;
  const afterChanged = await ledger(knex, sourceId);
  const [{ pageChunks }] = await knex('docuchat_chunks')
    .join(
      'docuchat_documents',
      'docuchat_documents.id',
      'docuchat_chunks.document_id',
    )
    .where('docuchat_documents.source_id', sourceId)
    .where('docuchat_documents.source_key', 'like', '%/page-1/index.html')
    .count({ pageChunks: '*' });

  const firstCalls = afterFirst.calls;
  const row = (
    name: string,
    result: { ms: number; source: any },
    calls: number,
    tokens: number,
  ) => {
    const c = result.source.lastSync.counts;
    return [
      name,
      fixed(result.ms / 1000, 1),
      `${c.added}/${c.changed}/${c.removed}/${c.unchanged}`,
      thousands(calls),
      thousands(tokens),
      fixed(firstCalls ? calls / firstCalls : 0, 3),
    ];
  };
  process.stdout.write(
    `bench:sources: ${pages} TechDocs pages, ${chunks} chunks, local model, SQLite\n\n`,
  );
  printTable(
    [
      'sync',
      'seconds',
      'added/changed/removed/unchanged',
      'embedding calls',
      'tokens',
      '× full',
    ],
    [
      row(
        'first (= a full, non-incremental sync)',
        first,
        afterFirst.calls,
        afterFirst.tokens,
      ),
      row(
        're-sync, nothing changed',
        unchanged,
        afterUnchanged.calls - afterFirst.calls,
        afterUnchanged.tokens - afterFirst.tokens,
      ),
      row(
        're-sync, one page changed',
        changed,
        afterChanged.calls - afterUnchanged.calls,
        afterChanged.tokens - afterUnchanged.tokens,
      ),
    ],
  );
  process.stdout.write(
    `The changed page has ${pageChunks} chunks; the first sync took ${fixed(
      first.ms / 1000,
    )} s (target ≤ 60 s for 50 pages).\n`,
  );
  if (afterUnchanged.calls !== afterFirst.calls) {
    process.stderr.write('A re-sync without changes made embedding calls\n');
    failed = true;
  }
  const changedCounts = changed.source.lastSync.counts;
  if (changedCounts.changed !== 1 || changedCounts.added !== 0) {
    process.stderr.write(
      `One changed page was counted ${JSON.stringify(changedCounts)}\n`,
    );
    failed = true;
  }
  await rm(repository, { recursive: true, force: true });
  await knex.destroy();
  process.exit(failed ? 1 : 0);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
