import {
  createComponentExtension,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { docuchatPlugin } from './plugin';
import { adminRouteRef, invoiceRouteRef } from './entityPagesRoutes';

/**
 * Entity cards, tabs and pages for apps on the legacy frontend system. Show
 * tenant items where `isDocuchatTenant` holds and environment items where
 * `isDocuchatEnvironment` holds (EntitySwitch).
 */

/** @public */
export const EntityDocuChatUsageCard: () => JSX.Element =
  docuchatPlugin.provide(
    createComponentExtension({
      name: 'EntityDocuChatUsageCard',
      component: {
        lazy: () =>
          import('./components/TokenUsage').then(m => m.TokenUsageCard),
      },
    }),
  );

/** @public */
export const EntityDocuChatInvoicesCard: (props: {
  /** Invoices per page; default 5. */
  pageSize?: number;
}) => JSX.Element = docuchatPlugin.provide(
  createComponentExtension({
    name: 'EntityDocuChatInvoicesCard',
    component: {
      lazy: () => import('./components/Invoices').then(m => m.InvoicesCard),
    },
  }),
);

/** @public */
export const EntityDocuChatChatLinkCard: () => JSX.Element =
  docuchatPlugin.provide(
    createComponentExtension({
      name: 'EntityDocuChatChatLinkCard',
      component: {
        lazy: () =>
          import('./components/TenantChatLink').then(m => m.TenantChatLinkCard),
      },
    }),
  );

/** @public */
export const EntityDocuChatDeploymentsCard: () => JSX.Element =
  docuchatPlugin.provide(
    createComponentExtension({
      name: 'EntityDocuChatDeploymentsCard',
      component: {
        lazy: () =>
          import('./components/Environment').then(m => m.DeploymentSummaryCard),
      },
    }),
  );

/** @public */
export const EntityDocuChatRunbooksCard: () => JSX.Element =
  docuchatPlugin.provide(
    createComponentExtension({
      name: 'EntityDocuChatRunbooksCard',
      component: {
        lazy: () => import('./components/Runbooks').then(m => m.RunbooksCard),
      },
    }),
  );

/** The operators' overview; mount at `/docuchat/admin`. @public */
export const DocuChatAdminPage: () => JSX.Element = docuchatPlugin.provide(
  createRoutableExtension({
    name: 'DocuChatAdminPage',
    component: () =>
      import('./components/OperatorsOverview').then(
        m => m.OperatorsOverviewPage,
      ),
    mountPoint: adminRouteRef,
  }),
);

/** One invoice; mount at `/docuchat/tenants/:tenantId/invoices/:invoiceId`. @public */
export const DocuChatInvoicePage: () => JSX.Element = docuchatPlugin.provide(
  createRoutableExtension({
    name: 'DocuChatInvoicePage',
    component: () => import('./components/Invoices').then(m => m.InvoicePage),
    mountPoint: invoiceRouteRef,
  }),
);
