import { AuditorService } from '@backstage/backend-plugin-api';
import {
  docuchatMaintenanceRunPermission,
  docuchatOperationsReadPermission,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ReembedMaintenance } from '../sources/ReembedMaintenance';
import { audited } from './audited';
import { Callers } from './Callers';
import { parseInput } from './parseInput';

const startSchema = z.object({
  /** The `documents` of the estimate the operator agreed to. */
  documents: z.number().int().min(0),
});

/**
 * Operators' maintenance routes: `GET /maintenance/reembed` (the estimate,
 * `docuchat.operations.read`) and `POST /maintenance/reembed` with
 * `{ documents }` from it (`docuchat.maintenance.run`, audited).
 */
export function createMaintenanceRouter(options: {
  maintenance: ReembedMaintenance;
  callers: Callers;
  auditor: AuditorService;
}): express.Router {
  const { maintenance, callers, auditor } = options;
  const router = Router();

  router.get('/maintenance/reembed', async (req, res) => {
    await callers.withBasic(req, docuchatOperationsReadPermission);
    res.json(await maintenance.estimate());
  });

  router.post('/maintenance/reembed', async (req, res) => {
    await callers.withBasic(req, docuchatMaintenanceRunPermission);
    const { documents } = parseInput(startSchema, req.body, 'body');
    const started = await audited(
      auditor,
      {
        eventId: 'maintenance-reembed',
        severityLevel: 'medium',
        request: req,
        meta: { documents },
      },
      () => maintenance.start(documents),
      estimate => ({
        documents: estimate.documents,
        chunks: estimate.chunks,
        estimatedTokens: estimate.estimatedTokens,
      }),
    );
    res.status(202).json(started);
  });

  return router;
}
