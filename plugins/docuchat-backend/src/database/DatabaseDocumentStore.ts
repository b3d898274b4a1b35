import { NotFoundError } from '@backstage/errors';
import { DocumentSummary } from '@docuchat/backstage-plugin-docuchat-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  ChunkWithDocument,
  ClaimLimits,
  ClaimLostError,
  DocumentStore,
  IngestionClaim,
  IngestedWith,
  NewDocument,
  StoredChunk,
} from './DocumentStore';
import { fullTextHeading } from './fullTextHeading';
import { toIsoString } from './timestamps';
import { Dialect, dialectOf, toDbTime } from './dialect';

const DOCUMENTS = 'docuchat_documents';
const CHUNKS = 'docuchat_chunks';
// Everything but the raw content, which only ingestion reads.
const SUMMARY_COLUMNS = [
  'id',
  'tenant_id',
  'title',
  'file_name',
  'content_type',
  'content_hash',
  'size_bytes',
  'status',
  'error',
  'chunk_count',
  'token_count',
  'embedding_model',
  'created_at',
  'updated_at',
  'source_id',
  'source_kind',
  'source_url',
];

function toSummary(row: any): DocumentSummary {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    title: row.title,
    fileName: row.file_name ?? undefined,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    contentHash: row.content_hash,
    status: row.status,
    error: row.error ?? undefined,
    chunkCount: Number(row.chunk_count),
    tokenCount: Number(row.token_count),
    embeddingModel: row.embedding_model ?? undefined,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
    ...(row.source_id && {
      origin: {
        sourceId: row.source_id,
        kind: row.source_kind,
        url: row.source_url,
      },
    }),
  };
}

// Documents looked at per claim: of two replicas the database lets one
// update a row, the other's WHERE no longer matches.
const CLAIM_CANDIDATES = 8;
/** Claims tried in a row while other replicas take the candidates. */
const CLAIM_ATTEMPTS = 3;
/** A document's tokens, roughly, from its size: batches are bounded by it. */
const BYTES_PER_TOKEN = 4;

export class DatabaseDocumentStore implements DocumentStore {
  private readonly dialect: Dialect;

  constructor(private readonly db: Knex) {
    this.dialect = dialectOf(db, 'The document store');
  }

  /** Leases compare as timestamptz on PostgreSQL, epoch ms on SQLite. */
  private time(date: Date) {
    return toDbTime(this.dialect, date);
  }

  /** Documents nobody holds: queued, or processing under an expired lease. */
  private claimable(query: Knex.QueryBuilder, now: Date) {
    return query.where(q =>
      q
        .where('status', 'queued')
        .orWhere(expired =>
          expired
            .where('status', 'processing')
            .where(lease =>
              lease
                .whereNull('lease_expires_at')
                .orWhere('lease_expires_at', '<', this.time(now)),
            ),
        ),
    );
  }

  async createOrFind(doc: NewDocument) {
    const existing = await this.db(DOCUMENTS)
      .select(SUMMARY_COLUMNS)
      .where({ tenant_id: doc.tenantId, content_hash: doc.contentHash })
      .first();
    if (existing) return { document: toSummary(existing), created: false };

    const id = randomUUID();
    try {
      await this.db(DOCUMENTS).insert({
        id,
        tenant_id: doc.tenantId,
        title: doc.title,
        file_name: doc.fileName ?? null,
        content_type: doc.contentType,
        content_hash: doc.contentHash,
        size_bytes: doc.content.length,
        status: 'queued',
        content: doc.content,
      });
    } catch (error) {
      // Two identical uploads at once: the unique (tenant, hash) index let
      // one in; answer the other with it.
      const winner = await this.db(DOCUMENTS)
        .select(SUMMARY_COLUMNS)
        .where({ tenant_id: doc.tenantId, content_hash: doc.contentHash })
        .first();
      if (winner) return { document: toSummary(winner), created: false };
      throw error;
    }
    return { document: (await this.get(doc.tenantId, id))!, created: true };
  }

  async list(tenantId: string): Promise<DocumentSummary[]> {
    const rows = await this.db(DOCUMENTS)
      .select(SUMMARY_COLUMNS)
      .where({ tenant_id: tenantId })
      .orderBy([{ column: 'created_at', order: 'desc' }, 'id']);
    return rows.map(toSummary);
  }

  async revision(tenantId: string): Promise<string> {
    // Every change bumps updated_at or the count (deletes), so the pair
    // moves on each change; one indexed aggregate per question.
    const row = await this.db(DOCUMENTS)
      .where({ tenant_id: tenantId })
      .count({ n: '*' })
      .max({ latest: 'updated_at' })
      .first();
    const latest = row?.latest ? toIsoString(row.latest) : '-';
    return `${Number(row?.n ?? 0)}@${latest}`;
  }

  async get(tenantId: string, id: string) {
    const row = await this.db(DOCUMENTS)
      .select(SUMMARY_COLUMNS)
      .where({ tenant_id: tenantId, id })
      .first();
    return row && toSummary(row);
  }

  async getContent(tenantId: string, id: string) {
    const row = await this.db(DOCUMENTS)
      .select(
        'content',
        'content_type',
        'file_name',
        'embedding_model',
        'parser_version',
        'embedding_text_version',
        'title',
        'source_id',
      )
      .where({ tenant_id: tenantId, id })
      .first();
    if (!row) throw new NotFoundError(`Document ${id} not found`);
    return {
      content: Buffer.from(row.content),
      contentType: row.content_type,
      fileName: row.file_name ?? undefined,
      title: row.title,
      ingestedWith: row.embedding_model
        ? {
            embeddingModel: row.embedding_model,
            parserVersion: Number(row.parser_version),
            embeddingTextVersion: Number(row.embedding_text_version),
          }
        : undefined,
      sourceId: row.source_id ?? undefined,
    };
  }

  async claimBatch(
    owner: string,
    leaseUntil: Date,
    limits: ClaimLimits,
  ): Promise<IngestionClaim[]> {
    // A replica claiming at the same moment may take the candidates first:
    // then look again, a few times.
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const now = new Date();
      const candidates = await this.claimable(
        this.db(DOCUMENTS).select('tenant_id', 'id', 'size_bytes'),
        now,
      )
        .modify(q => {
          if (limits.tenantId) q.where('tenant_id', limits.tenantId);
        })
        .orderBy(['created_at', 'id'])
        .limit(Math.max(CLAIM_CANDIDATES, limits.maxDocuments * 2));
      if (candidates.length === 0) return [];
      const tenantId: string = candidates[0].tenant_id;
      const picked: string[] = [];
      let tokens = 0;
      for (const row of candidates) {
        if (row.tenant_id !== tenantId) continue;
        const estimate = Math.ceil(Number(row.size_bytes) / BYTES_PER_TOKEN);
        if (
          picked.length > 0 &&
          (picked.length >= limits.maxDocuments ||
            tokens + estimate > limits.maxTokens)
        ) {
          break;
        }
        picked.push(row.id);
        tokens += estimate;
      }
      // The claimable condition again: of two replicas updating the same
      // row, the second finds it claimed and leaves it.
      const claimed: Array<{ id: string; attempts: number | string }> =
        await this.claimable(
          this.db(DOCUMENTS).where('tenant_id', tenantId).whereIn('id', picked),
          now,
        )
          .update({
            status: 'processing',
            error: null,
            claimed_by: owner,
            lease_expires_at: this.time(leaseUntil),
            attempts: this.db.raw('attempts + 1'),
            updated_at: this.db.fn.now(),
          })
          .returning(['id', 'attempts']);
      if (claimed.length > 0) {
        const order = new Map(picked.map((id, i) => [id, i]));
        return claimed
          .sort((a, b) => order.get(a.id)! - order.get(b.id)!)
          .map(row => ({
            tenantId,
            id: row.id,
            attempts: Number(row.attempts),
          }));
      }
    }
    return [];
  }

  async failExhausted(maxAttempts: number, reason: string) {
    const now = new Date();
    const expired = (query: Knex.QueryBuilder) =>
      query
        .where('status', 'processing')
        .where('attempts', '>=', maxAttempts)
        .where(lease =>
          lease
            .whereNull('lease_expires_at')
            .orWhere('lease_expires_at', '<', this.time(now)),
        );
    const rows = await expired(this.db(DOCUMENTS).select('tenant_id', 'id'));
    const failed: Array<{ tenantId: string; id: string }> = [];
    for (const row of rows) {
      const count = await expired(
        this.db(DOCUMENTS).where({ tenant_id: row.tenant_id, id: row.id }),
      ).update({
        status: 'failed',
        error: reason,
        claimed_by: null,
        lease_expires_at: null,
        updated_at: this.db.fn.now(),
      });
      if (count > 0) failed.push({ tenantId: row.tenant_id, id: row.id });
    }
    return failed;
  }

  private claimed(tenantId: string, id: string, owner: string) {
    return this.db(DOCUMENTS).where({
      tenant_id: tenantId,
      id,
      status: 'processing',
      claimed_by: owner,
    });
  }

  async renewClaim(
    tenantId: string,
    id: string,
    owner: string,
    leaseUntil: Date,
  ): Promise<boolean> {
    const count = await this.claimed(tenantId, id, owner).update({
      lease_expires_at: this.time(leaseUntil),
    });
    return count > 0;
  }

  async releaseClaim(
    tenantId: string,
    id: string,
    owner: string,
  ): Promise<boolean> {
    const count = await this.claimed(tenantId, id, owner).update({
      status: 'queued',
      claimed_by: null,
      lease_expires_at: null,
      attempts: this.db.raw(
        'case when attempts > 0 then attempts - 1 else 0 end',
      ),
      updated_at: this.db.fn.now(),
    });
    return count > 0;
  }

  async failClaim(
    tenantId: string,
    id: string,
    owner: string,
    error: string,
  ): Promise<boolean> {
    const count = await this.claimed(tenantId, id, owner).update({
      status: 'failed',
      error,
      claimed_by: null,
      lease_expires_at: null,
      updated_at: this.db.fn.now(),
    });
    return count > 0;
  }

  async requeue(tenantId: string, id: string): Promise<boolean> {
    const count = await this.db(DOCUMENTS)
      .where({ tenant_id: tenantId, id })
      .update({
        status: 'queued',
        error: null,
        claimed_by: null,
        lease_expires_at: null,
        attempts: 0,
        updated_at: this.db.fn.now(),
      });
    return count > 0;
  }

  async listEmbeddedBefore(embeddingTextVersion: number) {
    const rows = await this.db(DOCUMENTS)
      .select('tenant_id', 'id', 'title', 'chunk_count', 'token_count')
      .where({ status: 'ready' })
      .where('embedding_text_version', '<', embeddingTextVersion)
      .orderBy(['tenant_id', 'id']);
    return rows.map(row => ({
      tenantId: row.tenant_id,
      id: row.id,
      title: row.title,
      chunkCount: Number(row.chunk_count),
      tokenCount: Number(row.token_count),
    }));
  }

  async listStale(current: Omit<IngestedWith, 'embeddingTextVersion'>) {
    const rows = await this.db(DOCUMENTS)
      .select('tenant_id', 'id')
      .where({ status: 'ready' })
      .andWhere(stale =>
        stale
          .whereNot({ embedding_model: current.embeddingModel })
          .orWhere('parser_version', '<', current.parserVersion),
      );
    return rows.map(row => ({ tenantId: row.tenant_id, id: row.id }));
  }

  async replaceChunks(
    trx: Knex.Transaction,
    tenantId: string,
    documentId: string,
    chunks: StoredChunk[],
    madeWith: Pick<IngestedWith, 'parserVersion' | 'embeddingTextVersion'>,
    claimedBy?: string,
  ): Promise<void> {
    const { lost } = await this.replaceChunksOfDocuments(
      trx,
      tenantId,
      [{ documentId, chunks }],
      madeWith,
      claimedBy,
    );
    const error = lost.get(documentId);
    if (error) throw error;
  }

  async replaceChunksOfDocuments(
    trx: Knex.Transaction,
    tenantId: string,
    documents: Array<{ documentId: string; chunks: StoredChunk[] }>,
    madeWith: Pick<IngestedWith, 'parserVersion' | 'embeddingTextVersion'>,
    claimedBy?: string,
  ): Promise<{ stored: string[]; lost: Map<string, Error> }> {
    const lost = new Map<string, Error>();
    if (documents.length === 0) return { stored: [], lost };
    // A document deleted while it was being ingested must not come back as
    // orphan chunks; the row lock orders this against a takeover: once
    // another replica (or a reindex) holds a document, this work is not
    // stored.
    const query = trx(DOCUMENTS)
      .select('id', 'title', 'status', 'claimed_by')
      .where('tenant_id', tenantId)
      .whereIn(
        'id',
        documents.map(d => d.documentId),
      );
    // SQLite serialises writers anyway and knex warns on FOR UPDATE there.
    if (trx.client.config.client === 'pg') query.forUpdate();
    const rows = new Map(
      (await query).map((row: { id: string }) => [row.id, row]),
    );
    const held = documents.filter(({ documentId }) => {
      const row: any = rows.get(documentId);
      if (!row) {
        lost.set(
          documentId,
          new NotFoundError(`Document ${documentId} no longer exists`),
        );
        return false;
      }
      if (
        claimedBy !== undefined &&
        (row.status !== 'processing' || row.claimed_by !== claimedBy)
      ) {
        lost.set(
          documentId,
          new ClaimLostError(
            `Document ${documentId} is no longer claimed by ${claimedBy}`,
          ),
        );
        return false;
      }
      return true;
    });
    if (held.length === 0) return { stored: [], lost };
    const ids = held.map(d => d.documentId);

    await trx(CHUNKS)
      .where('tenant_id', tenantId)
      .whereIn('document_id', ids)
      .delete();
    const chunkRows = held.flatMap(({ documentId, chunks }) =>
      chunks.map(chunk => ({
        id: chunk.id,
        tenant_id: tenantId,
        document_id: documentId,
        ordinal: chunk.ordinal,
        text: chunk.text,
        heading_path: JSON.stringify(chunk.headingPath),
        fts_heading: fullTextHeading(
          (rows.get(documentId) as any).title,
          chunk.headingPath,
        ),
        char_start: chunk.charStart,
        char_end: chunk.charEnd,
        token_count: chunk.tokenCount,
        embedding_model: chunk.embeddingModel,
        embedding_dimensions: chunk.embeddingDimensions,
        blocks: chunk.blocks ? JSON.stringify(chunk.blocks) : null,
      })),
    );
    // Stay under SQLite's bound-variable limit (13 columns a row).
    for (let i = 0; i < chunkRows.length; i += 75) {
      await trx(CHUNKS).insert(chunkRows.slice(i, i + 75));
    }
    // One statement for every document's counts: each gets its own values
    // by id.
    const byId = (
      value: (chunks: StoredChunk[]) => Knex.Value,
      type: string,
    ) => ({
      sql: `CASE id ${held
        .map(() => `WHEN ? THEN CAST(? AS ${type})`)
        .join(' ')} END`,
      bindings: held.flatMap(({ documentId, chunks }) => [
        documentId,
        value(chunks),
      ]),
    });
    const chunkCount = byId(chunks => chunks.length, 'integer');
    const tokenCount = byId(
      chunks => chunks.reduce((sum, c) => sum + c.tokenCount, 0),
      'integer',
    );
    const model = byId(chunks => chunks[0]?.embeddingModel ?? null, 'text');
    await trx(DOCUMENTS)
      .where('tenant_id', tenantId)
      .whereIn('id', ids)
      .update({
        status: 'ready',
        error: null,
        chunk_count: trx.raw(chunkCount.sql, chunkCount.bindings),
        token_count: trx.raw(tokenCount.sql, tokenCount.bindings),
        embedding_model: trx.raw(model.sql, model.bindings),
        claimed_by: null,
        lease_expires_at: null,
        parser_version: madeWith.parserVersion,
        embedding_text_version: madeWith.embeddingTextVersion,
        updated_at: trx.fn.now(),
      });
    return { stored: ids, lost };
  }

  async delete(
    trx: Knex.Transaction,
    tenantId: string,
    id: string,
  ): Promise<boolean> {
    await trx(CHUNKS).where({ tenant_id: tenantId, document_id: id }).delete();
    const count = await trx(DOCUMENTS)
      .where({ tenant_id: tenantId, id })
      .delete();
    return count > 0;
  }

  async getChunks(
    tenantId: string,
    ids: string[],
  ): Promise<ChunkWithDocument[]> {
    if (ids.length === 0) return [];
    const rows = await this.db(`${CHUNKS} as c`)
      .join(`${DOCUMENTS} as d`, 'd.id', 'c.document_id')
      .select(
        'c.id',
        'c.tenant_id',
        'c.document_id',
        'c.ordinal',
        'c.text',
        'c.heading_path',
        'c.char_start',
        'c.char_end',
        'c.token_count',
        'c.embedding_model',
        'c.embedding_dimensions',
        'c.blocks',
        'd.title as document_title',
        'd.source_url',
      )
      .where('c.tenant_id', tenantId)
      .whereIn('c.id', ids);
    return rows.map(row => ({
      id: row.id,
      tenantId: row.tenant_id,
      documentId: row.document_id,
      ordinal: row.ordinal,
      text: row.text,
      headingPath: JSON.parse(row.heading_path),
      charStart: row.char_start,
      charEnd: row.char_end,
      tokenCount: row.token_count,
      embeddingModel: row.embedding_model,
      embeddingDimensions: row.embedding_dimensions,
      ...(row.blocks && { blocks: JSON.parse(row.blocks) }),
      documentTitle: row.document_title,
      ...(row.source_url && { sourceUrl: row.source_url }),
    }));
  }

  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }
}
