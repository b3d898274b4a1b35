import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError, toError } from '@backstage/errors';
import {
  CreateSourceRequest,
  SourceKind,
  SourceSyncCounts,
  SourceSyncError,
} from '@docuchat/backstage-plugin-docuchat-common';
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  SourceStore,
  StoredSource,
  SyncOutcome,
} from '../database/SourceStore';
import { RunningWork } from '../lifecycle/RunningWork';
import { IngestionService } from './IngestionService';
import { SourceReader, SourceReadResult } from './SourceReader';

/** Who a sync reads the portal as. */
export type SyncActor =
  /** A user: their catalog and TechDocs permissions apply. */
  | { type: 'user'; userRef: string; credentials: BackstageCredentials }
  /** The schedule, a service, the demo: the plugin's own credentials. */
  | { type: 'service'; name: string };

/** Sync claims and their renewal. */
const LEASE_MS = 120_000;
const RENEW_MS = 30_000;
const MAX_ERRORS = 50;

/**
 * A tenant's sources: created, listed, deleted and synced. A sync reads the
 * source (TechDocs pages or catalog entities), stores each page as a
 * document keyed by its path, and compares content hashes: new and changed
 * pages are queued for ingestion (only their chunks are embedded, billed to
 * the tenant and marked with the source on the ledger), unchanged pages
 * cost nothing, pages no longer there are deleted with their chunks. A page
 * that cannot be read or parsed is counted failed and keeps its previous
 * version.
 *
 * Permissions: a sync on a user's behalf reads with that user's credentials
 * and remembers which entities it could read; the schedule, which has no
 * user, reads only those entities (sources from config or the demo, made by
 * no user, read everything the filter matches).
 */
export class SourceSyncService {
  /** This replica's sync claims carry this id. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly options: {
      sources: SourceStore;
      ingestion: IngestionService;
      readers: Record<SourceKind, SourceReader>;
      auth: AuthService;
      logger: LoggerService;
      auditor?: AuditorService;
      running?: RunningWork;
    },
  ) {}

  list(tenantId: string) {
    return this.options.sources.list(tenantId);
  }

  async get(tenantId: string, sourceId: string): Promise<StoredSource> {
    const source = await this.options.sources.get(tenantId, sourceId);
    if (!source) throw new NotFoundError(`Source ${sourceId} not found`);
    return source;
  }

  async create(
    tenantId: string,
    request: CreateSourceRequest,
    createdBy?: string,
  ): Promise<StoredSource> {
    return this.options.sources.create({
      tenantId,
      kind: request.kind,
      filter: request.filter,
      title:
        request.title ??
        `${request.kind === 'techdocs' ? 'TechDocs' : 'Catalog'}: ${
          request.filter
        }`,
      createdBy,
    });
  }

  /**
   * Deletes the source and every document it made (chunks, vectors and
   * full-text rows). Refused (409) while it syncs.
   */
  async remove(tenantId: string, sourceId: string): Promise<number> {
    const { sources, ingestion } = this.options;
    await this.get(tenantId, sourceId);
    const holder = `${this.owner}:delete`;
    if (
      !(await sources.claimSync(
        tenantId,
        sourceId,
        holder,
        new Date(Date.now() + LEASE_MS),
        'delete',
      ))
    ) {
      throw new ConflictError(
        `Source ${sourceId} is syncing; delete it when the sync has ended`,
      );
    }
    const pages = await sources.listPages(tenantId, sourceId);
    for (const page of pages) await ingestion.remove(tenantId, page.documentId);
    await sources.delete(tenantId, sourceId);
    return pages.length;
  }

  /**
   * Starts a sync in the background and returns the source as syncing; 409
   * when a sync of it is running already (here or on another replica).
   */
  async startSync(
    tenantId: string,
    sourceId: string,
    actor: SyncActor,
  ): Promise<StoredSource> {
    const source = await this.get(tenantId, sourceId);
    if (!(await this.claim(source, actor))) {
      throw new ConflictError(`Source ${sourceId} is syncing already`);
    }
    const running = this.options.running ?? new RunningWork();
    void running
      .run(undefined, () => this.runClaimed(source, actor))
      .catch(error =>
        this.options.logger.error(
          `Sync of source ${sourceId} stopped: ${error}`,
        ),
      );
    return this.get(tenantId, sourceId);
  }

  /**
   * Syncs now and resolves with what the sync did; undefined when another
   * sync of the source holds it.
   */
  async sync(
    tenantId: string,
    sourceId: string,
    actor: SyncActor,
  ): Promise<SyncOutcome | undefined> {
    const source = await this.get(tenantId, sourceId);
    if (!(await this.claim(source, actor))) return undefined;
    return this.runClaimed(source, actor);
  }

  /** Every source once, as the schedule (global task) runs it. */
  async syncAll(): Promise<void> {
    for (const { tenantId, id } of await this.options.sources.listAll()) {
      try {
        await this.sync(tenantId, id, { type: 'service', name: 'schedule' });
      } catch (error) {
        this.options.logger.error(
          `Scheduled sync of source ${id} failed: ${error}`,
        );
      }
    }
  }

  private claim(source: StoredSource, actor: SyncActor) {
    return this.options.sources.claimSync(
      source.tenantId,
      source.id,
      this.owner,
      new Date(Date.now() + LEASE_MS),
      actor.type === 'user' ? actor.userRef : actor.name,
    );
  }

  private async runClaimed(
    source: StoredSource,
    actor: SyncActor,
  ): Promise<SyncOutcome> {
    const { sources, logger } = this.options;
    const started = Date.now();
    const renewal = setInterval(() => {
      sources
        .renewSync(
          source.tenantId,
          source.id,
          this.owner,
          new Date(Date.now() + LEASE_MS),
        )
        .catch(error =>
          logger.warn(
            `Could not renew the sync lease of ${source.id}: ${error}`,
          ),
        );
    }, RENEW_MS);
    let outcome: SyncOutcome;
    try {
      outcome = await this.syncSource(source, actor);
    } catch (error) {
      outcome = {
        outcome: 'failed',
        counts: { added: 0, changed: 0, removed: 0, failed: 0, unchanged: 0 },
        errors: [{ key: source.filter, message: toError(error).message }],
      };
    } finally {
      clearInterval(renewal);
    }
    await sources.finishSync(source.tenantId, source.id, this.owner, outcome);
    const { counts } = outcome;
    logger.info(
      `Synced source ${source.id} (${source.kind}) of tenant ${
        source.tenantId
      } in ${Date.now() - started} ms: ${outcome.outcome}, ${
        counts.added
      } added, ${counts.changed} changed, ${counts.removed} removed, ${
        counts.failed
      } failed, ${counts.unchanged} unchanged`,
    );
    await this.audit(source, actor, outcome);
    if (counts.added + counts.changed > 0) this.options.ingestion.wake();
    return outcome;
  }

  private async syncSource(
    source: StoredSource,
    actor: SyncActor,
  ): Promise<SyncOutcome> {
    const { sources, ingestion, readers, auth } = this.options;
    const onBehalfOfUser = actor.type === 'user';
    const read: SourceReadResult = await readers[source.kind].read(
      source.filter,
      {
        credentials: onBehalfOfUser
          ? actor.credentials
          : await auth.getOwnServiceCredentials(),
        // Without a user, only what a user's sync could read (sources a
        // user made); sources from config or the demo read everything.
        onlyRefs:
          !onBehalfOfUser && source.createdBy
            ? source.admittedRefs ?? []
            : undefined,
      },
    );
    const counts: SourceSyncCounts = {
      added: 0,
      changed: 0,
      removed: 0,
      failed: 0,
      unchanged: 0,
    };
    const errors: SourceSyncError[] = [...read.errors];
    const seen = new Set<string>();
    for (const page of read.pages) {
      seen.add(page.key);
      try {
        // Unreadable pages are refused here, with the parser's reason,
        // rather than failing later in the ingestion queue; the parser runs
        // in a worker, like ingestion's.
        await ingestion.checkReadable(page.content, {
          contentType: page.contentType,
        });
      } catch (error) {
        errors.push({ key: page.key, message: toError(error).message });
        continue;
      }
      const { change } = await sources.upsertPage({
        tenantId: source.tenantId,
        sourceId: source.id,
        kind: source.kind,
        ...page,
        contentHash: pageHash(source.id, page),
      });
      counts[change]++;
    }
    counts.failed = errors.length;
    // Gone: stored pages the read no longer found. Pages of an entity whose
    // site could not be read, and pages that failed, keep their last version.
    const kept = read.unreadEntityRefs;
    for (const stored of await sources.listPages(source.tenantId, source.id)) {
      if (seen.has(stored.key)) continue;
      if (
        kept.some(ref => stored.key === ref || stored.key.startsWith(`${ref}/`))
      ) {
        continue;
      }
      if (await ingestion.remove(source.tenantId, stored.documentId)) {
        counts.removed++;
      }
    }
    let outcome: SyncOutcome['outcome'] = 'ok';
    if (errors.length > 0) {
      outcome = read.pages.length > counts.failed ? 'partial' : 'failed';
    }
    return {
      outcome,
      counts,
      errors: errors.slice(0, MAX_ERRORS),
      ...(onBehalfOfUser && { admittedRefs: read.entityRefs }),
    };
  }

  private async audit(
    source: StoredSource,
    actor: SyncActor,
    result: SyncOutcome,
  ) {
    const { auditor, logger } = this.options;
    if (!auditor) return;
    try {
      const event = await auditor.createEvent({
        eventId: 'source-sync',
        severityLevel: result.outcome === 'ok' ? 'low' : 'medium',
        meta: {
          tenantId: source.tenantId,
          sourceId: source.id,
          kind: source.kind,
          trigger: actor.type === 'user' ? actor.userRef : actor.name,
        },
      });
      if (result.outcome === 'failed') {
        await event.fail({
          error: new Error(result.errors[0]?.message ?? 'The sync failed'),
        });
      } else {
        await event.success({ meta: { ...result.counts } });
      }
    } catch (error) {
      logger.error(`Could not write an audit event: ${error}`);
    }
  }
}

/**
 * A page's identity and content: what, unchanged, lets a re-sync skip it.
 * The source and key are part of it, so two identical pages are still two
 * documents (document hashes are unique per tenant).
 */
function pageHash(
  sourceId: string,
  page: { key: string; title: string; url: string; content: Buffer },
) {
  return createHash('sha256')
    .update(
      `docuchat-source\n${sourceId}\n${page.key}\n${page.title}\n${page.url}\n`,
    )
    .update(page.content)
    .digest('hex');
}
