import { z } from 'zod';

/**
 * What `GET /api/docuchat/health` answers.
 *
 * @public
 */
export const healthResponseSchema = z.object({ status: z.literal('ok') });

/** @public */
export type HealthResponse = z.infer<typeof healthResponseSchema>;
