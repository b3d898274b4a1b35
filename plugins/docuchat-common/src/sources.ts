import { z } from 'zod';

/**
 * Where a source's documents come from: the TechDocs of catalog entities,
 * or the entities themselves rendered as short documents.
 *
 * @public
 */
export type SourceKind = 'techdocs' | 'catalog';

/**
 * A catalog filter in the catalog API's query syntax: `key=value` pairs
 * joined by commas, all of which must match (a key given twice matches
 * either value), e.g. `kind=component,spec.owner=group:default/platform`.
 */
const catalogFilterSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(1000)
  .refine(
    text =>
      text.split(',').every(pair => /^[^=\s][^=]*=[^=]+$/.test(pair.trim())),
    'must be key=value pairs joined by commas, e.g. kind=component,spec.owner=group:default/platform',
  );

/**
 * Body of `POST /tenants/:tenantId/sources`.
 *
 * @public
 */
export const createSourceRequestSchema = z
  .object({
    kind: z.enum(['techdocs', 'catalog']),
    filter: catalogFilterSchema,
    title: z.string().trim().min(1).max(255).optional(),
  })
  .strict();

/** @public */
export type CreateSourceRequest = z.infer<typeof createSourceRequestSchema>;

/**
 * What the last sync of a source did: documents added, changed (re-embedded),
 * removed, failed (could not be read or parsed) and unchanged.
 *
 * @public
 */
export interface SourceSyncCounts {
  added: number;
  changed: number;
  removed: number;
  failed: number;
  unchanged: number;
}

/**
 * One problem of the last sync, e.g. a page that could not be parsed.
 *
 * @public
 */
export interface SourceSyncError {
  /** The page or entity (`component:default/x` or `…/x/runbooks/latency/`). */
  key: string;
  message: string;
}

/**
 * A tenant's source of documents, kept in sync with the portal.
 *
 * @public
 */
export interface Source {
  id: string;
  tenantId: string;
  kind: SourceKind;
  filter: string;
  title: string;
  /** `syncing` while a sync runs (on demand or on the schedule). */
  status: 'idle' | 'syncing';
  createdBy?: string;
  createdAt: string;
  lastSync?: {
    startedAt: string;
    finishedAt?: string;
    /** `ok`; `partial` when some pages failed; `failed` when nothing could be read. */
    outcome?: 'ok' | 'partial' | 'failed';
    /** Who the sync read the portal as: a user, or the schedule. */
    trigger: string;
    counts: SourceSyncCounts;
    errors: SourceSyncError[];
  };
  /** Documents of the source now (every state). */
  documentCount: number;
}

/**
 * Where a document came from when a source (not an upload) made it: read
 * only in the Documents tab, and cited with its portal URL.
 *
 * @public
 */
export interface DocumentOrigin {
  sourceId: string;
  kind: SourceKind;
  /** The TechDocs page or entity page in the portal. */
  url: string;
}

/**
 * One passage of a tenant's documents, as `GET /tenants/:tenantId/passages`
 * lists them for the portal's search index.
 *
 * @public
 */
export interface TenantPassage {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  headingPath: string[];
  text: string;
  /** The portal page of a source's document (TechDocs page, entity). */
  sourceUrl?: string;
}

/**
 * A page of passages; pass `nextCursor` as `after` for the next one.
 *
 * @public
 */
export interface TenantPassagePage {
  items: TenantPassage[];
  nextCursor?: string;
}
