import { Entity } from '@backstage/catalog-model';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { DocuChatApi, docuchatApiRef } from '../api';
import { adminRouteRef, invoiceRouteRef } from '../entityPagesRoutes';

export const TENANT_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'docuchat-tenant-acme',
    annotations: { 'docuchat.io/tenant-id': 'acme' },
  },
  spec: { type: 'docuchat-tenant', owner: 'group:default/acme' },
};

export const ENVIRONMENT_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'docuchat-production',
    annotations: {
      'backstage.io/kubernetes-id': 'docuchat',
      'backstage.io/kubernetes-namespace': 'docuchat',
    },
  },
  spec: { type: 'docuchat-environment', owner: 'group:default/platform' },
};

/** A DocuChat API whose unlisted methods fail the test when called. */
export function fakeDocuChatApi(partial: Partial<DocuChatApi>): DocuChatApi {
  return new Proxy(partial as DocuChatApi, {
    get(target, name: string) {
      if (name in target) return (target as any)[name];
      return () => Promise.reject(new Error(`unexpected call to ${name}`));
    },
  });
}

/** Permission names the fake permission API denies. */
export function renderEntityCard(
  element: ReactElement,
  options: {
    api: Partial<DocuChatApi>;
    entity?: Entity;
    deny?: string[];
    apis?: Array<readonly [any, any]>;
  },
) {
  const deny = new Set(options.deny ?? []);
  const permissionApi = mockApis.permission({
    authorize: request =>
      (deny.has(request.permission.name) ? 'DENY' : 'ALLOW') as any,
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [docuchatApiRef, fakeDocuChatApi(options.api)],
        [permissionApiRef, permissionApi],
        ...((options.apis ?? []) as any),
      ]}
    >
      <EntityProvider entity={options.entity ?? TENANT_ENTITY}>
        {element}
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/docuchat/admin': adminRouteRef,
        '/docuchat/tenants/:tenantId/invoices/:invoiceId': invoiceRouteRef,
      },
    },
  );
}

export const HEALTH_ALL = async () => ({
  status: 'ok' as const,
  capabilities: ['tenants', 'documents', 'chat', 'usage', 'billing'],
});

export const HEALTH_NO_BILLING = async () => ({
  status: 'ok' as const,
  capabilities: ['tenants', 'documents', 'chat', 'usage'],
});
