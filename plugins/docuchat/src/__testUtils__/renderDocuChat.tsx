/* eslint-disable jest/no-export -- helpers the component tests share */
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  appLanguageApiRef,
  translationApiRef,
} from '@backstage/frontend-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { ResponseError } from '@backstage/errors';
import { ReactElement } from 'react';
import { DocuChatApi, docuchatApiRef } from '../api';
import { rootRouteRef } from '../routes';
import fa from '../translations/fa';

/** A DocuChatApi whose every method fails unless the test gives one. */
export function fakeApi(overrides: Partial<DocuChatApi>): DocuChatApi {
  return new Proxy(overrides as DocuChatApi, {
    get: (target, name) =>
      (target as any)[name] ??
      (() => Promise.reject(new Error(`unexpected call ${String(name)}`))),
  });
}

/** A ResponseError as the client throws it for a backend error answer. */
export function responseError(status: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      { status, headers: { 'content-type': 'application/json' } },
    ) as any,
  );
}

const interpolate = (text: string, options?: Record<string, unknown>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, key) => String(options?.[key] ?? ''));

/** The Persian texts, as the app's translation API serves them in Persian. */
const persianTranslationApi = {
  getTranslation: () => ({
    ready: true,
    t: (key: string, options?: Record<string, unknown>) =>
      interpolate((fa as Record<string, string>)[key] ?? key, options),
  }),
  translation$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
};
const persianLanguageApi = {
  getAvailableLanguages: () => ({ languages: ['en', 'fa'] }),
  getLanguage: () => ({ language: 'fa' }),
  setLanguage: () => {},
  language$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
};

/**
 * Renders `element` in a test app with the DocuChat API, permissions that
 * allow (or deny) everything, and optionally the Persian language.
 */
export function renderDocuChat(
  element: ReactElement,
  options: {
    api: DocuChatApi;
    allow?: boolean;
    persian?: boolean;
    path?: string;
  },
) {
  const permissions = {
    authorize: async () => ({
      result: options.allow === false ? 'DENY' : 'ALLOW',
    }),
  };
  const apis: any[] = [
    [docuchatApiRef, options.api],
    [permissionApiRef, permissions],
  ];
  if (options.persian) {
    apis.push([translationApiRef, persianTranslationApi]);
    apis.push([appLanguageApiRef, persianLanguageApi]);
  }
  return renderInTestApp(
    <TestApiProvider apis={apis as any}>{element}</TestApiProvider>,
    {
      mountedRoutes: { '/docuchat': rootRouteRef },
      routeEntries: options.path ? [options.path] : undefined,
    },
  );
}
