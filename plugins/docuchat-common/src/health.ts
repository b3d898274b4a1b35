import { z } from 'zod';

/**
 * What the backend can do, as `GET /health` lists it; the frontend shows a
 * "not available" state for items whose capability is missing (billing not
 * installed yet, or turned off in config).
 *
 * @public
 */
export type DocuchatCapability =
  | 'tenants'
  | 'documents'
  | 'chat'
  | 'usage'
  | 'billing';

/**
 * What `GET /api/docuchat/health` answers. Capabilities are plain strings so
 * an older frontend reads a newer backend's list.
 *
 * @public
 */
export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  capabilities: z.array(z.string()),
});

/** @public */
export type HealthResponse = z.infer<typeof healthResponseSchema>;
