import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import { docuchatApiRef, DocuChatClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The DocuChat plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const docuchatPlugin = createPlugin({
  id: 'docuchat',
  apis: [
    createApiFactory({
      api: docuchatApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        identityApi: identityApiRef,
      },
      factory: deps => new DocuChatClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The DocuChat page (chat, documents, tenant admin); mount it at
 * `/docuchat`, with sub-routes `/docuchat/tenants/:tenantId/...`.
 *
 * @public
 */
export const DocuChatPage = docuchatPlugin.provide(
  createRoutableExtension({
    name: 'DocuChatPage',
    component: () =>
      import('./components/DocuChatPage').then(m => m.DocuChatPage),
    mountPoint: rootRouteRef,
  }),
);
