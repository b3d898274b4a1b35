import { AuditorService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  billingRunRequestSchema,
  docuchatBillingRunPermission,
  docuchatInvoicesPayPermission,
  docuchatInvoicesReadPermission,
  docuchatOperationsReadPermission,
  invoiceListQuerySchema,
  operatorInvoiceQuerySchema,
  voidInvoiceRequestSchema,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { BillingRunStore } from '../database/BillingRunStore';
import { InvoiceStore } from '../database/InvoiceStore';
import { audited } from './audited';
import { parseInput } from './parseInput';
import { Callers } from './Callers';
import { BillingRunner } from '../billing/BillingRunner';
import { PaymentService } from '../billing/PaymentService';

export interface BillingRouterOptions {
  callers: Callers;
  invoices: InvoiceStore;
  runs: BillingRunStore;
  runner: BillingRunner;
  payments: PaymentService;
  auditor: AuditorService;
}

/**
 * Billing is for users: a service call on behalf of a user arrives with the
 * user's credentials; a bare service principal has no one to bill or audit.
 */
const FOR_USERS = {
  usersOnly: 'Billing is for users; call it on behalf of one',
};

const runListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * Billing routes: runs (operators), invoices (tenant users, operators) and
 * the payment callback (no Backstage credentials: it verifies with the
 * gateway instead; see plugin.ts's auth policy).
 */
export function createBillingRouter(
  options: BillingRouterOptions,
): express.Router {
  const { callers, invoices, runs, runner, payments, auditor } = options;
  const router = Router();
  router.use(express.json());

  router.post('/billing/runs', async (req, res) => {
    const credentials = await callers.withBasic(
      req,
      docuchatBillingRunPermission,
      FOR_USERS,
    );
    const body = parseInput(billingRunRequestSchema, req.body, 'billing run');
    const [from, to] =
      'day' in body ? [body.day, body.day] : [body.from, body.to];
    const days = runner.requireRunnableDays(from, to);
    const run = await audited(
      auditor,
      {
        eventId: 'billing-run',
        severityLevel: 'medium',
        request: req,
        meta: { from, to },
      },
      () =>
        runner.run({
          trigger: 'manual',
          days,
          requestedBy: credentials.principal.userEntityRef,
        }),
      ({ id, outcome }) => ({ runId: id, outcome }),
      // A failed run answers with its report (500) and is a failed event.
      ({ id, outcome, errors }) =>
        outcome === 'failed'
          ? new Error(`Billing run ${id} failed: ${errors.join('; ')}`)
          : undefined,
    );
    res.status(run.outcome === 'failed' ? 500 : 200).json(run);
  });

  router.get('/billing/runs', async (req, res) => {
    await callers.withBasic(req, docuchatOperationsReadPermission, FOR_USERS);
    const page = parseInput(runListQuerySchema, req.query, 'query');
    res.json({ items: await runs.listRuns(page) });
  });

  router.get('/billing/zibal/callback', async (req, res) => {
    const { redirect } = await payments.handleCallback(
      req.query as Record<string, unknown>,
    );
    res.redirect(303, redirect);
  });

  router.get('/tenants/:tenantId/invoices', async (req, res) => {
    const { tenant } = await callers.tenant(
      req,
      docuchatInvoicesReadPermission,
      FOR_USERS,
    );
    const page = parseInput(invoiceListQuerySchema, req.query, 'query');
    res.json({ items: await invoices.listForTenant(tenant.id, page) });
  });

  const tenantInvoice = async (req: express.Request, tenantId: string) => {
    const invoice = await invoices.get(req.params.invoiceId);
    if (!invoice || invoice.tenantId !== tenantId) {
      throw new NotFoundError(`Invoice ${req.params.invoiceId} not found`);
    }
    return invoice;
  };

  router.get('/tenants/:tenantId/invoices/:invoiceId', async (req, res) => {
    const { tenant } = await callers.tenant(
      req,
      docuchatInvoicesReadPermission,
      FOR_USERS,
    );
    res.json(await tenantInvoice(req, tenant.id));
  });

  router.post(
    '/tenants/:tenantId/invoices/:invoiceId/payment',
    async (req, res) => {
      const { tenant } = await callers.tenant(
        req,
        docuchatInvoicesPayPermission,
        FOR_USERS,
      );
      res.json(await payments.paymentLink(await tenantInvoice(req, tenant.id)));
    },
  );

  router.get('/invoices', async (req, res) => {
    await callers.withBasic(req, docuchatOperationsReadPermission, FOR_USERS);
    const query = parseInput(operatorInvoiceQuerySchema, req.query, 'query');
    if (query.from && query.to && query.from > query.to) {
      throw new InputError('from must not be after to');
    }
    res.json(await invoices.query(query));
  });

  router.post('/invoices/:invoiceId/void', async (req, res) => {
    const credentials = await callers.withBasic(
      req,
      docuchatBillingRunPermission,
      FOR_USERS,
    );
    const { reason } = parseInput(
      voidInvoiceRequestSchema,
      req.body,
      'void request',
    );
    const invoice = await audited(
      auditor,
      {
        eventId: 'invoice-void',
        severityLevel: 'high',
        request: req,
        meta: { invoiceId: req.params.invoiceId, reason },
      },
      () =>
        invoices.voidInvoice(
          req.params.invoiceId,
          reason,
          credentials.principal.userEntityRef,
          new Date(),
        ),
    );
    res.json(invoice);
  });

  return router;
}
