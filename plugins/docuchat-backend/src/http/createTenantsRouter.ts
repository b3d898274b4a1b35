import { AuditorService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  createTenantRequestSchema,
  docuchatTenantCreatePermission,
  docuchatTenantUpdatePermission,
  updateTenantRequestSchema,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import { TenantStore } from '../database/TenantStore';
import { audited } from './audited';
import { Callers } from './Callers';
import { parseInput } from './parseInput';

/** What {@link createTenantsRouter} needs. */
export interface TenantsRouterOptions {
  callers: Callers;
  tenants: TenantStore;
  auditor: AuditorService;
}

/**
 * Tenants: list what the caller may read, create (`docuchat.tenant.create`),
 * read, and update (`docuchat.tenant.update`; owner, price plan and budget
 * need the operators' `docuchat.tenant.create` too). Changes are audited.
 */
export function createTenantsRouter(
  options: TenantsRouterOptions,
): express.Router {
  const { callers, tenants, auditor } = options;
  const router = Router();

  router.get('/tenants', async (req, res) => {
    res.json({ items: await callers.tenants(req) });
  });

  router.post('/tenants', async (req, res) => {
    await callers.withBasic(req, docuchatTenantCreatePermission);
    const request = parseInput(createTenantRequestSchema, req.body, 'tenant');
    const tenant = await audited(
      auditor,
      {
        eventId: 'tenant-create',
        severityLevel: 'medium',
        request: req,
        meta: { tenantId: request.id, ownerRef: request.ownerRef },
      },
      () => tenants.create(request),
    );
    res.status(201).json(tenant);
  });

  router.get('/tenants/:tenantId', async (req, res) => {
    res.json((await callers.tenant(req)).tenant);
  });

  router.patch('/tenants/:tenantId', async (req, res) => {
    await callers.tenant(req, docuchatTenantUpdatePermission);
    const request = parseInput(updateTenantRequestSchema, req.body, 'tenant');
    // Handing a tenant to another owner, or changing what it pays or may
    // spend, is the operators' power of creating tenants, not its members'.
    if (
      request.ownerRef !== undefined ||
      request.pricePlan !== undefined ||
      request.dailyTokenBudget !== undefined
    ) {
      await callers.withBasic(req, docuchatTenantCreatePermission);
    }
    const tenant = await audited(
      auditor,
      {
        eventId: 'tenant-update',
        severityLevel: 'medium',
        request: req,
        // Which fields changed, not their values (contact details).
        meta: {
          tenantId: req.params.tenantId,
          fields: Object.keys(request).sort().join(','),
        },
      },
      async () => {
        const updated = await tenants.update(req.params.tenantId, request);
        if (!updated)
          throw new NotFoundError(`Tenant ${req.params.tenantId} not found`);
        return updated;
      },
    );
    res.json(tenant);
  });

  return router;
}
