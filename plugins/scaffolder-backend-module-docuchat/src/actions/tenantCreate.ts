import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  createTenantRequestSchema,
  Tenant,
} from '@docuchat/backstage-plugin-docuchat-common';
import { DocuchatApi } from '../docuchat/DocuchatApi';
import { examples } from './tenantCreate.examples';

/** `docuchat:tenant:create`: POST /tenants as the user running the template. */
export function createTenantCreateAction(api: DocuchatApi) {
  return createTemplateAction({
    id: 'docuchat:tenant:create',
    description:
      'Creates a DocuChat tenant through the DocuChat API, on behalf of the user who runs the template (who needs the tenant admin permission). The catalog shows it as resource:default/docuchat-tenant-<id>.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        id: z =>
          z.string().describe('Tenant id: lowercase letters, digits, dashes'),
        displayName: z => z.string().describe('Name shown to people'),
        ownerRef: z =>
          z.string().describe('Entity ref of the owning group or user'),
        contactEmail: z => z.string().optional(),
        mobile: z => z.string().optional().describe('e.g. 09121234567'),
        pricePlan: z => z.string().optional(),
      },
      output: {
        tenantId: z => z.string(),
        entityRef: z => z.string(),
        chatPath: z => z.string(),
      },
    },
    async handler(ctx) {
      // The API validates too; checking here makes a dry run catch it.
      const parsed = createTenantRequestSchema.safeParse(
        Object.fromEntries(
          Object.entries(ctx.input).filter(
            ([, v]) => v !== undefined && v !== '',
          ),
        ),
      );
      if (!parsed.success) {
        throw new InputError(
          `Invalid tenant: ${parsed.error.issues
            .map(i => `${i.path.join('.')} ${i.message}`)
            .join('; ')}`,
        );
      }
      const request = parsed.data;
      ctx.output('tenantId', request.id);
      ctx.output('entityRef', `resource:default/docuchat-tenant-${request.id}`);
      ctx.output('chatPath', `/docuchat/tenants/${request.id}`);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create tenant ${request.id} ("${request.displayName}") owned by ${request.ownerRef}`,
        );
        return;
      }
      const tenant = await api.request<Tenant>(
        await ctx.getInitiatorCredentials(),
        'POST',
        '/tenants',
        request,
      );
      ctx.logger.info(
        `Created tenant ${tenant.id} owned by ${tenant.ownerRef}`,
      );
    },
  });
}
