import { z } from 'zod';

/**
 * Tenant ids are slugs: they appear in URLs, metric labels and invoices.
 *
 * @public
 */
export const tenantIdSchema = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be 1-63 lowercase letters, digits or dashes, not starting or ending with a dash',
  );

/**
 * Body of `POST /tenants`.
 *
 * @public
 */
export const createTenantRequestSchema = z
  .object({
    id: tenantIdSchema,
    displayName: z.string().trim().min(1).max(255),
    contactEmail: z.string().email().optional(),
    mobile: z
      .string()
      .regex(/^09\d{9}$/, 'must be an Iranian mobile number like 09121234567')
      .optional(),
    ownerRef: z.string().min(1),
    pricePlan: z.string().min(1).max(63).optional(),
    /**
     * Most tokens per billing day (every model call counted), overriding
     * `docuchat.limits.dailyTokenBudget`. Operators only.
     */
    dailyTokenBudget: z.number().int().positive().max(2147483647).optional(),
  })
  .strict();

/**
 * Body of `PATCH /tenants/:tenantId`.
 *
 * @public
 */
export const updateTenantRequestSchema = createTenantRequestSchema
  .omit({ id: true })
  .partial()
  .extend({
    /** null returns the tenant to the configured default budget. */
    dailyTokenBudget: z
      .number()
      .int()
      .positive()
      .max(2147483647)
      .nullable()
      .optional(),
  })
  .strict();

/** @public */
export type CreateTenantRequest = z.infer<typeof createTenantRequestSchema>;
/** @public */
export type UpdateTenantRequest = z.infer<typeof updateTenantRequestSchema>;

/** @public */
export interface Tenant {
  id: string;
  displayName: string;
  contactEmail?: string;
  mobile?: string;
  ownerRef: string;
  pricePlan: string;
  /** The tenant's own daily token budget, if operators set one. */
  dailyTokenBudget?: number;
  createdAt: string;
  updatedAt: string;
}
