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
export const EntityDocuChatUsageCard = docuchatPlugin.provide(
  createComponentExtension({
    name: 'EntityDocuChatUsageCard',
    component: {
      lazy: () => import('./components/TokenUsage').then(m => m.TokenUsageCard),
    },
  }),
);

/** @public */
export const EntityDocuChatInvoicesCard = docuchatPlugin.provide(
  createComponentExtension({
    name: 'EntityDocuChatInvoicesCard',
    component: {
      lazy: () => import('./components/Invoices').then(m => m.InvoicesCard),
    },
  }),
);

/** @public */
export const EntityDocuChatChatLinkCard = docuchatPlugin.provide(
  createComponentExtension({
    name: 'EntityDocuChatChatLinkCard',
    component: {
      lazy: () =>
        import('./components/TenantChatLink').then(m => m.TenantChatLinkCard),
    },
  }),
);

/** @public */
export const EntityDocuChatDeploymentsCard = docuchatPlugin.provide(
  createComponentExtension({
    name: 'EntityDocuChatDeploymentsCard',
    component: {
      lazy: () =>
        import('./components/Environment').then(m => m.DeploymentSummaryCard),
    },
  }),
);

/** @public */
export const EntityDocuChatRunbooksCard = docuchatPlugin.provide(
  createComponentExtension({
    name: 'EntityDocuChatRunbooksCard',
    component: {
      lazy: () => import('./components/Runbooks').then(m => m.RunbooksCard),
    },
  }),
);

/** The operators' overview; mount at `/docuchat/admin`. @public */
export const DocuChatAdminPage = docuchatPlugin.provide(
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
export const DocuChatInvoicePage = docuchatPlugin.provide(
  createRoutableExtension({
    name: 'DocuChatInvoicePage',
    component: () => import('./components/Invoices').then(m => m.InvoicePage),
    mountPoint: invoiceRouteRef,
  }),
);
