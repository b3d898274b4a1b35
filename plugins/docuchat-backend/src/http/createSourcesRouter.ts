import { AuditorService } from '@backstage/backend-plugin-api';
import {
  createSourceRequestSchema,
  docuchatChatPermission,
  docuchatDocumentsManagePermission,
  TenantPassagePage,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DatabasePassageStore } from '../database/DatabasePassageStore';
import { TenantLimits } from '../limits/TenantLimits';
import { Caller } from '../permissions/TenantAccess';
import { SourceSyncService, SyncActor } from '../sources/SourceSyncService';
import { audited } from './audited';
import { Callers } from './Callers';
import { idSchema, parseInput } from './parseInput';

/** What {@link createSourcesRouter} needs. */
export interface SourcesRouterOptions {
  callers: Callers;
  sources: SourceSyncService;
  passages: DatabasePassageStore;
  limits: TenantLimits;
  auditor: AuditorService;
}

const passagesQuerySchema = z.object({
  after: z.string().uuid('must be a chunk id (UUID)').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/**
 * Mounted inside the plugin's main router (its body parsers and error
 * hooks apply). A tenant's sources (`/tenants/:tenantId/sources`): list, add (and sync at
 * once), sync on demand, delete with their documents; and the tenant's
 * passages a page at a time (`/tenants/:tenantId/passages`), which the
 * portal's search collator reads. Adding, syncing and deleting need
 * `docuchat.documents.manage`; reading passages `docuchat.chat`.
 */
export function createSourcesRouter(
  options: SourcesRouterOptions,
): express.Router {
  const { callers, sources, passages, limits, auditor } = options;
  const router = Router();

  // A user's sync reads the portal with that user's permissions.
  const actorOf = (credentials: Caller): SyncActor =>
    credentials.principal.type === 'user'
      ? {
          type: 'user',
          userRef: credentials.principal.userEntityRef,
          credentials,
        }
      : { type: 'service', name: credentials.principal.subject };
  const sourceIdOf = (req: express.Request) =>
    parseInput(idSchema, req.params.sourceId, 'sourceId');

  router.get('/tenants/:tenantId/sources', async (req, res) => {
    const { tenant } = await callers.tenant(req);
    res.json({ items: (await sources.list(tenant.id)).map(publicSource) });
  });

  router.post('/tenants/:tenantId/sources', async (req, res) => {
    const { tenant, credentials } = await callers.tenant(
      req,
      docuchatDocumentsManagePermission,
    );
    const request = parseInput(createSourceRequestSchema, req.body, 'source');
    await limits.checkBudget(tenant);
    const actor = actorOf(credentials);
    const source = await audited(
      auditor,
      {
        eventId: 'source-create',
        severityLevel: 'medium',
        request: req,
        meta: { tenantId: tenant.id, kind: request.kind },
      },
      async () => {
        const created = await sources.create(
          tenant.id,
          request,
          actor.type === 'user' ? actor.userRef : undefined,
        );
        return sources.startSync(tenant.id, created.id, actor);
      },
      created => ({ sourceId: created.id }),
    );
    res.status(201).json(publicSource(source));
  });

  router.get('/tenants/:tenantId/sources/:sourceId', async (req, res) => {
    const { tenant } = await callers.tenant(req);
    res.json(publicSource(await sources.get(tenant.id, sourceIdOf(req))));
  });

  router.post('/tenants/:tenantId/sources/:sourceId/sync', async (req, res) => {
    const { tenant, credentials } = await callers.tenant(
      req,
      docuchatDocumentsManagePermission,
    );
    const sourceId = sourceIdOf(req);
    await limits.checkBudget(tenant);
    const source = await audited(
      auditor,
      {
        eventId: 'source-sync-request',
        severityLevel: 'low',
        request: req,
        meta: { tenantId: tenant.id, sourceId },
      },
      () => sources.startSync(tenant.id, sourceId, actorOf(credentials)),
    );
    // 202: the sync runs in the background; the source shows it.
    res.status(202).json(publicSource(source));
  });

  router.delete('/tenants/:tenantId/sources/:sourceId', async (req, res) => {
    const { tenant } = await callers.tenant(
      req,
      docuchatDocumentsManagePermission,
    );
    const sourceId = sourceIdOf(req);
    await audited(
      auditor,
      {
        eventId: 'source-delete',
        severityLevel: 'medium',
        request: req,
        meta: { tenantId: tenant.id, sourceId },
      },
      () => sources.remove(tenant.id, sourceId),
      removed => ({ documentsRemoved: removed }),
    );
    res.status(204).end();
  });

  router.get('/tenants/:tenantId/passages', async (req, res) => {
    const { tenant } = await callers.tenant(req, docuchatChatPermission);
    const query = parseInput(passagesQuerySchema, req.query, 'passages query');
    const body: TenantPassagePage = await passages.list(tenant.id, query);
    res.json(body);
  });

  return router;
}

/** A source as the API shows it (without the refs it may read). */
function publicSource<T extends { admittedRefs?: string[] }>(source: T) {
  const { admittedRefs: _admitted, ...rest } = source;
  return rest;
}
