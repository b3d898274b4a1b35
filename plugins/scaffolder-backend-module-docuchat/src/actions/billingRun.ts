import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/config';
import { DocuchatApi } from '../docuchat/DocuchatApi';
import { examples } from './billingRun.examples';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isDay(value: string) {
  return (
    DAY.test(value) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
  );
}

/**
 * `docuchat:billing:run`: POST /billing/runs with `{ day }` or
 * `{ from, to }`; the API bills synchronously and answers the finished run.
 */
export function createBillingRunAction(api: DocuchatApi) {
  return createTemplateAction({
    id: 'docuchat:billing:run',
    description:
      'Bills one day or a range of days through the DocuChat API (POST /api/docuchat/billing/runs), on behalf of the user who runs the template, and outputs the finished run. Invoices are idempotent per tenant and period, so re-running a day is safe.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        day: z => z.string().optional().describe('Billing day, YYYY-MM-DD'),
        from: z => z.string().optional().describe('First day, YYYY-MM-DD'),
        to: z => z.string().optional().describe('Last day, YYYY-MM-DD'),
      },
      output: {
        run: z => z.record(z.unknown()).describe('The run as the API answers'),
      },
    },
    async handler(ctx) {
      const { day, from, to } = ctx.input;
      let body: { day: string } | { from: string; to: string };
      if (day && !from && !to) {
        if (!isDay(day)) throw new InputError(`day "${day}" is not YYYY-MM-DD`);
        body = { day };
      } else if (!day && from && to) {
        for (const value of [from, to]) {
          if (!isDay(value)) {
            throw new InputError(`"${value}" is not a YYYY-MM-DD day`);
          }
        }
        if (from > to) throw new InputError(`from ${from} is after to ${to}`);
        body = { from, to };
      } else {
        throw new InputError('Give either day, or both from and to');
      }
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would bill ${
            'day' in body ? body.day : `${body.from} to ${body.to}`
          }`,
        );
        ctx.output('run', { dryRun: true, ...body });
        return;
      }
      const run = await api.request<JsonObject>(
        await ctx.getInitiatorCredentials(),
        'POST',
        '/billing/runs',
        body,
      );
      ctx.logger.info(`Billing run finished: ${JSON.stringify(run)}`);
      ctx.output('run', run);
    },
  });
}
