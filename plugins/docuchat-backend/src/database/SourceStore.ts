import {
  Source,
  SourceKind,
  SourceSyncCounts,
  SourceSyncError,
} from '@docuchat/backstage-plugin-docuchat-common';

/** A source to create. */
export interface NewSource {
  tenantId: string;
  kind: SourceKind;
  filter: string;
  title: string;
  /** The user who created it; absent for sources from config or the demo. */
  createdBy?: string;
}

/** What a source stores besides its public shape. */
export interface StoredSource extends Source {
  /**
   * Entity refs the last sync on a user's behalf could read; the schedule
   * (no user) reads only these. Absent before such a sync.
   */
  admittedRefs?: string[];
}

/** How a sync ended. */
export interface SyncOutcome {
  outcome: 'ok' | 'partial' | 'failed';
  counts: SourceSyncCounts;
  errors: SourceSyncError[];
  /** Set by syncs on a user's behalf: what that user could read. */
  admittedRefs?: string[];
}

/** One document a source made, as the sync compares it. */
export interface SourcePageRow {
  documentId: string;
  key: string;
  contentHash: string;
}

/** A page (or entity document) as a sync read it. */
export interface SourcePageInput {
  tenantId: string;
  sourceId: string;
  kind: SourceKind;
  key: string;
  url: string;
  title: string;
  contentType: string;
  content: Buffer;
  contentHash: string;
}

/** Sources and the documents they made; every method is scoped by tenant. */
export interface SourceStore {
  create(source: NewSource): Promise<StoredSource>;
  list(tenantId: string): Promise<StoredSource[]>;
  get(tenantId: string, id: string): Promise<StoredSource | undefined>;
  /** Every source of every tenant (the schedule). */
  listAll(): Promise<Array<{ tenantId: string; id: string }>>;
  /** Deletes the source row; its documents must be gone already. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /**
   * Claims the source's sync for `owner` until `leaseUntil`, unless another
   * sync holds an unexpired claim; records the start and the trigger.
   */
  claimSync(
    tenantId: string,
    id: string,
    owner: string,
    leaseUntil: Date,
    trigger: string,
  ): Promise<boolean>;
  /** Extends the claim; false when it is gone (source deleted). */
  renewSync(
    tenantId: string,
    id: string,
    owner: string,
    leaseUntil: Date,
  ): Promise<boolean>;
  /** Records the outcome and gives the claim back. */
  finishSync(
    tenantId: string,
    id: string,
    owner: string,
    result: SyncOutcome,
  ): Promise<void>;
  /** The documents the source made so far. */
  listPages(tenantId: string, sourceId: string): Promise<SourcePageRow[]>;
  /**
   * Stores a page as a document: new pages are inserted and queued, pages
   * whose hash changed get the new content and are queued again (their
   * chunks only are re-embedded), unchanged pages are left alone.
   */
  upsertPage(
    page: SourcePageInput,
  ): Promise<{ documentId: string; change: 'added' | 'changed' | 'unchanged' }>;
}
