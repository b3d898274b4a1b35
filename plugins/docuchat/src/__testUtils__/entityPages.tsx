import { Entity } from '@backstage/catalog-model';
import {
  appLanguageApiRef,
  TranslationRef,
  translationApiRef,
} from '@backstage/frontend-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { DocuChatApi, docuchatApiRef } from '../api';
import { adminRouteRef, invoiceRouteRef } from '../entityPagesRoutes';
import { docuchatEntityPagesTranslationRef } from '../translations/entityPages';
import entityPagesFa from '../translations/entityPages.fa';

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

const interpolate = (text: string, options?: Record<string, unknown>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, key) => String(options?.[key] ?? ''));

/** The app's translation API in Persian, for the entity pages' messages. */
const persianTranslationApi = {
  getTranslation: (ref: TranslationRef) => {
    const messages: Record<string, string> =
      ref.id === docuchatEntityPagesTranslationRef.id ? entityPagesFa : {};
    return {
      ready: true,
      t: (key: string, options?: Record<string, unknown>) =>
        interpolate(messages[key] ?? key, options),
    };
  },
  translation$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
};
const persianLanguageApi = {
  getAvailableLanguages: () => ({ languages: ['en', 'fa'] }),
  getLanguage: () => ({ language: 'fa' }),
  setLanguage: () => {},
  language$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
};

/**
 * Renders a card (or page) of the entity pages in a test app: the fake
 * DocuChat API, permissions that allow all but the names in `deny`, the
 * entity, optionally the Persian language and a start `path`.
 */
export function renderEntityCard(
  element: ReactElement,
  options: {
    api: Partial<DocuChatApi>;
    entity?: Entity;
    deny?: string[];
    apis?: Array<readonly [any, any]>;
    persian?: boolean;
    path?: string;
  },
) {
  const deny = new Set(options.deny ?? []);
  const permissionApi = mockApis.permission({
    authorize: request =>
      (deny.has(request.permission.name) ? 'DENY' : 'ALLOW') as any,
  });
  const languageApis = options.persian
    ? [
        [translationApiRef, persianTranslationApi],
        [appLanguageApiRef, persianLanguageApi],
      ]
    : [];
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [docuchatApiRef, fakeDocuChatApi(options.api)],
        [permissionApiRef, permissionApi],
        ...((options.apis ?? []) as any),
        ...(languageApis as any),
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
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
      routeEntries: options.path ? [options.path] : undefined,
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
