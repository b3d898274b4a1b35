import { compatWrapper } from '@backstage/core-compat-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isEnvironmentEntity, isTenantEntity } from './entityPredicates';

/** Token usage on `docuchat-tenant` entities. */
export const entityTokenUsageCard = EntityCardBlueprint.make({
  name: 'token-usage',
  params: {
    type: 'content',
    filter: isTenantEntity,
    loader: () =>
      import('../components/TokenUsage').then(m =>
        compatWrapper(<m.TokenUsageCard />),
      ),
  },
});

/** Invoices on `docuchat-tenant` entities. */
export const entityInvoicesCard = EntityCardBlueprint.make({
  name: 'invoices',
  params: {
    type: 'content',
    filter: isTenantEntity,
    loader: () =>
      import('../components/Invoices').then(m =>
        compatWrapper(<m.InvoicesCard pageSize={5} />),
      ),
  },
});

/** "Chat with these documents" on `docuchat-tenant` entities. */
export const entityTenantChatCard = EntityCardBlueprint.make({
  name: 'tenant-chat',
  params: {
    type: 'info',
    filter: isTenantEntity,
    loader: () =>
      import('../components/TenantChatLink').then(m =>
        compatWrapper(<m.TenantChatLinkCard />),
      ),
  },
});

/** Deployments (from the Kubernetes plugin) on `docuchat-environment` entities. */
export const entityDeploymentsCard = EntityCardBlueprint.make({
  name: 'deployments',
  params: {
    type: 'content',
    filter: isEnvironmentEntity,
    loader: () =>
      import('../components/Environment').then(m =>
        compatWrapper(<m.DeploymentSummaryCard />),
      ),
  },
});

/**
 * Runbook templates on `docuchat-environment` entities: a content card, as
 * seven titles with descriptions outgrow the narrow, height-capped info
 * column.
 */
export const entityRunbooksCard = EntityCardBlueprint.make({
  name: 'runbooks',
  params: {
    type: 'content',
    filter: isEnvironmentEntity,
    loader: () =>
      import('../components/Runbooks').then(m =>
        compatWrapper(<m.RunbooksCard />),
      ),
  },
});

export const entityCards = [
  entityTokenUsageCard,
  entityInvoicesCard,
  entityTenantChatCard,
  entityDeploymentsCard,
  entityRunbooksCard,
];
