import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import { docuchatOperationsReadPermission } from '@docuchat/backstage-plugin-docuchat-common';
import { adminRouteRef, invoiceRouteRef } from '../entityPagesRoutes';

/**
 * `/docuchat/admin`, the operators' overview: only for holders of the basic
 * `docuchat.operations.read` (read once at app start; the page checks again
 * and the backend on every request).
 */
export const docuchatAdminPage = PageBlueprint.make({
  name: 'admin',
  if: { permissions: { $contains: docuchatOperationsReadPermission.name } },
  params: {
    path: '/docuchat/admin',
    title: 'DocuChat operations',
    routeRef: convertLegacyRouteRef(adminRouteRef),
    loader: () =>
      import('../components/OperatorsOverview').then(m =>
        compatWrapper(<m.OperatorsOverviewPage />),
      ),
  },
});

/** One invoice, where the payment callback sends the payer back. */
export const docuchatInvoicePage = PageBlueprint.make({
  name: 'invoice',
  params: {
    path: '/docuchat/tenants/:tenantId/invoices/:invoiceId',
    title: 'DocuChat invoice',
    routeRef: convertLegacyRouteRef(invoiceRouteRef),
    loader: () =>
      import('../components/Invoices').then(m =>
        compatWrapper(<m.InvoicePage />),
      ),
  },
});
