import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  NewSource,
  SourcePageInput,
  SourcePageRow,
  SourceStore,
  StoredSource,
  SyncOutcome,
} from './SourceStore';
import { Dialect, dialectOf, fromDbTime, toDbTime } from './dialect';

const SOURCES = 'docuchat_sources';
const DOCUMENTS = 'docuchat_documents';

const EMPTY_COUNTS = {
  added: 0,
  changed: 0,
  removed: 0,
  failed: 0,
  unchanged: 0,
};

function parseJson<T>(text: string | null, fallback: T): T {
  return text ? (JSON.parse(text) as T) : fallback;
}

function toSource(row: any): StoredSource {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    filter: row.filter,
    title: row.title,
    status: row.sync_claimed_by ? 'syncing' : 'idle',
    createdBy: row.created_by ?? undefined,
    createdAt: fromDbTime(row.created_at),
    ...(row.last_sync_started_at && {
      lastSync: {
        startedAt: fromDbTime(row.last_sync_started_at),
        finishedAt: row.last_sync_finished_at
          ? fromDbTime(row.last_sync_finished_at)
          : undefined,
        outcome: row.last_sync_outcome ?? undefined,
        trigger: row.last_sync_trigger ?? 'schedule',
        counts: parseJson(row.last_sync_counts, EMPTY_COUNTS),
        errors: parseJson(row.last_sync_errors, []),
      },
    }),
    documentCount: Number(row.document_count ?? 0),
    ...(row.admitted_refs && { admittedRefs: JSON.parse(row.admitted_refs) }),
  };
}

/**
 * Sources (`docuchat_sources`) and the source columns of their documents
 * (`docuchat_documents.source_*`). A page's document goes through the
 * ingestion queue like an upload: this store only queues it.
 */
export class DatabaseSourceStore implements SourceStore {
  private readonly dialect: Dialect;

  constructor(private readonly db: Knex) {
    this.dialect = dialectOf(db, 'The source store');
  }

  private time(date: Date) {
    return toDbTime(this.dialect, date);
  }

  private select() {
    const counts = this.db(DOCUMENTS)
      .select('source_id')
      .count({ document_count: '*' })
      .whereNotNull('source_id')
      .groupBy('source_id')
      .as('c');
    return this.db(`${SOURCES} as s`)
      .leftJoin(counts, 'c.source_id', 's.id')
      .select('s.*', 'c.document_count');
  }

  async create(source: NewSource): Promise<StoredSource> {
    const id = randomUUID();
    await this.db(SOURCES).insert({
      id,
      tenant_id: source.tenantId,
      kind: source.kind,
      filter: source.filter,
      title: source.title,
      created_by: source.createdBy ?? null,
      created_at: this.time(new Date()),
    });
    return (await this.get(source.tenantId, id))!;
  }

  async list(tenantId: string): Promise<StoredSource[]> {
    const rows = await this.select()
      .where('s.tenant_id', tenantId)
      .orderBy([{ column: 's.created_at', order: 'asc' }, 's.id']);
    return rows.map(toSource);
  }

  async get(tenantId: string, id: string) {
    const row = await this.select()
      .where({ 's.tenant_id': tenantId, 's.id': id })
      .first();
    return row && toSource(row);
  }

  async listAll() {
    const rows = await this.db(SOURCES)
      .select('tenant_id', 'id')
      .orderBy('created_at');
    return rows.map(row => ({ tenantId: row.tenant_id, id: row.id }));
  }

  async delete(tenantId: string, id: string) {
    const count = await this.db(SOURCES)
      .where({ tenant_id: tenantId, id })
      .delete();
    return count > 0;
  }

  async claimSync(
    tenantId: string,
    id: string,
    owner: string,
    leaseUntil: Date,
    trigger: string,
  ) {
    const now = this.time(new Date());
    const count = await this.db(SOURCES)
      .where({ tenant_id: tenantId, id })
      .where(free =>
        free
          .whereNull('sync_claimed_by')
          .orWhere('sync_lease_expires_at', '<', now),
      )
      .update({
        sync_claimed_by: owner,
        sync_lease_expires_at: this.time(leaseUntil),
        last_sync_started_at: now,
        last_sync_finished_at: null,
        last_sync_outcome: null,
        last_sync_trigger: trigger,
      });
    return count > 0;
  }

  async renewSync(
    tenantId: string,
    id: string,
    owner: string,
    leaseUntil: Date,
  ) {
    const count = await this.db(SOURCES)
      .where({ tenant_id: tenantId, id, sync_claimed_by: owner })
      .update({ sync_lease_expires_at: this.time(leaseUntil) });
    return count > 0;
  }

  async finishSync(
    tenantId: string,
    id: string,
    owner: string,
    result: SyncOutcome,
  ) {
    await this.db(SOURCES)
      .where({ tenant_id: tenantId, id, sync_claimed_by: owner })
      .update({
        sync_claimed_by: null,
        sync_lease_expires_at: null,
        last_sync_finished_at: this.time(new Date()),
        last_sync_outcome: result.outcome,
        last_sync_counts: JSON.stringify(result.counts),
        last_sync_errors: JSON.stringify(result.errors),
        ...(result.admittedRefs && {
          admitted_refs: JSON.stringify(result.admittedRefs),
        }),
      });
  }

  async listPages(
    tenantId: string,
    sourceId: string,
  ): Promise<SourcePageRow[]> {
    const rows = await this.db(DOCUMENTS)
      .select('id', 'source_key', 'content_hash')
      .where({ tenant_id: tenantId, source_id: sourceId });
    return rows.map(row => ({
      documentId: row.id,
      key: row.source_key,
      contentHash: row.content_hash,
    }));
  }

  async upsertPage(page: SourcePageInput) {
    const existing = await this.db(DOCUMENTS)
      .select('id', 'content_hash')
      .where({ tenant_id: page.tenantId, source_id: page.sourceId })
      .where('source_key', page.key)
      .first();
    if (existing?.content_hash === page.contentHash) {
      return {
        documentId: existing.id as string,
        change: 'unchanged' as const,
      };
    }
    const content = {
      title: page.title,
      content_type: page.contentType,
      content_hash: page.contentHash,
      size_bytes: page.content.length,
      content: page.content,
      source_url: page.url,
      // Queued from scratch: a running ingestion of the old content loses
      // its claim and stores nothing.
      status: 'queued',
      error: null,
      claimed_by: null,
      lease_expires_at: null,
      attempts: 0,
      updated_at: this.db.fn.now(),
    };
    if (existing) {
      await this.db(DOCUMENTS)
        .where({ tenant_id: page.tenantId, id: existing.id })
        .update(content);
      return { documentId: existing.id as string, change: 'changed' as const };
    }
    const id = randomUUID();
    await this.db(DOCUMENTS).insert({
      id,
      tenant_id: page.tenantId,
      file_name: null,
      source_id: page.sourceId,
      source_kind: page.kind,
      source_key: page.key,
      ...content,
    });
    return { documentId: id, change: 'added' as const };
  }
}
