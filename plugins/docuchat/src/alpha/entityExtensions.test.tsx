import { Entity } from '@backstage/catalog-model';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  ENVIRONMENT_ENTITY,
  TENANT_ENTITY,
} from '../__testUtils__/entityPages';
import {
  entityDeploymentsCard,
  entityInvoicesCard,
  entityRunbooksCard,
  entityTenantChatCard,
  entityTokenUsageCard,
} from './entityCards';
import {
  entityInvoicesContent,
  entityTokenUsageContent,
} from './entityContents';

const COMPONENT: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'docuchat-backend' },
  spec: { type: 'docuchat-tenant' },
};
const OTHER_RESOURCE: Entity = {
  ...TENANT_ENTITY,
  metadata: { name: 'bucket' },
  spec: { type: 's3-bucket' },
};
const ENTITIES = {
  tenant: TENANT_ENTITY,
  environment: ENVIRONMENT_ENTITY,
  component: COMPONENT,
  other: OTHER_RESOURCE,
};

function shownOn(filter: ((entity: Entity) => boolean) | undefined) {
  expect(filter).toBeDefined();
  return Object.entries(ENTITIES)
    .filter(([, entity]) => filter!(entity))
    .map(([name]) => name);
}

describe('entity extensions (new frontend system)', () => {
  it.each([
    ['token usage', entityTokenUsageCard],
    ['invoices', entityInvoicesCard],
    ['chat link', entityTenantChatCard],
  ])('shows the %s card only on tenants', (_name, card) => {
    const filter = createExtensionTester(card as any).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(shownOn(filter)).toEqual(['tenant']);
  });

  it.each([
    ['deployments', entityDeploymentsCard],
    ['runbooks', entityRunbooksCard],
  ])('shows the %s card only on environments', (_name, card) => {
    const filter = createExtensionTester(card as any).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(shownOn(filter)).toEqual(['environment']);
  });

  it('adds usage and invoice tabs to tenants, in the observability group', () => {
    for (const content of [entityTokenUsageContent, entityInvoicesContent]) {
      const tester = createExtensionTester(content as any);
      expect(
        shownOn(tester.get(EntityContentBlueprint.dataRefs.filterFunction)),
      ).toEqual(['tenant']);
      expect(tester.get(EntityContentBlueprint.dataRefs.group)).toBe(
        'observability',
      );
    }
  });
});
