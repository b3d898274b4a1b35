import {
  askRequestSchema,
  docuchatChatPermission,
  SearchResponse,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AskService } from '../ask/AskService';
import { TenantLimits } from '../limits/TenantLimits';
import { HybridSearch } from '../search/HybridSearch';
import { Callers, userRefOf } from './Callers';
import { parseInput } from './parseInput';
import { respondToAsk } from './respondToAsk';

/** What {@link createAskRouter} needs. */
export interface AskRouterOptions {
  callers: Callers;
  search: HybridSearch;
  ask: AskService;
  limits: TenantLimits;
}

const searchQuerySchema = z.object({
  q: z.string().trim().min(1, 'is required'),
  k: z.coerce.number().int().min(1).max(100).default(10),
  mode: z.enum(['hybrid', 'vector', 'fulltext']).default('hybrid'),
});

/**
 * Searching a tenant's documents and asking them a question (streamed as
 * server-sent events), with `docuchat.chat` on the tenant and within its
 * limits.
 */
export function createAskRouter(options: AskRouterOptions): express.Router {
  const { callers, search, ask, limits } = options;
  const router = Router();

  router.get('/tenants/:tenantId/search', async (req, res) => {
    const { tenant, credentials } = await callers.tenant(
      req,
      docuchatChatPermission,
    );
    const { q, k, mode } = parseInput(
      searchQuerySchema,
      req.query,
      'search query',
    );
    await limits.checkBudget(tenant);
    const body: SearchResponse = {
      query: q,
      k,
      hits: await search.search(tenant.id, q, k, mode, {
        userRef: userRefOf(credentials),
      }),
    };
    res.json(body);
  });

  router.post('/tenants/:tenantId/ask', async (req, res) => {
    const { tenant, credentials } = await callers.tenant(
      req,
      docuchatChatPermission,
    );
    const request = parseInput(askRequestSchema, req.body, 'question');
    await respondToAsk(
      ask,
      {
        tenantId: tenant.id,
        userRef: userRefOf(credentials),
        request,
        // Counted with the question's first writes, in one round trip.
        admit: batch => limits.beforeAsk(tenant, batch),
      },
      res,
    );
  });

  return router;
}
