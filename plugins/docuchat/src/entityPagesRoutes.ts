import { createRouteRef, useRouteRef } from '@backstage/core-plugin-api';

/**
 * Routes of the entity pages' own pages, sub-routes of the DocuChat page:
 * separate refs, so either the DocuChat page or the app can mount them.
 */

/** `/docuchat/admin`: the operators' overview. @public */
export const adminRouteRef = createRouteRef({ id: 'docuchat:admin' });

/**
 * `/docuchat/tenants/:tenantId/invoices/:invoiceId`: one invoice, where the
 * payment callback sends the payer back.
 *
 * @public
 */
export const invoiceRouteRef = createRouteRef({
  id: 'docuchat:invoice',
  params: ['tenantId', 'invoiceId'],
});

/** The invoice page's path maker, or undefined where it is not mounted. */
export function useInvoiceLink():
  | ((params: { tenantId: string; invoiceId: string }) => string)
  | undefined {
  try {
    return useRouteRef(invoiceRouteRef);
  } catch {
    return undefined;
  }
}
