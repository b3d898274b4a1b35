import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import ChatIcon from '@material-ui/icons/Chat';
import { docuchatApiRef, DocuChatClient } from './api';
import { rootRouteRef } from './routes';
import { adminRouteRef, invoiceRouteRef } from './entityPagesRoutes';
import { entityCards } from './alpha/entityCards';
import { entityContents } from './alpha/entityContents';
import { docuchatAdminPage, docuchatInvoicePage } from './alpha/adminPage';

const docuchatApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: docuchatApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DocuChatClient(deps),
    }),
});

const docuchatPage = PageBlueprint.make({
  params: {
    path: '/docuchat',
    title: 'DocuChat',
    icon: <ChatIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/DocuChatPage').then(m =>
        compatWrapper(<m.DocuChatPage />),
      ),
  },
});

/**
 * The DocuChat plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'docuchat',
  title: 'DocuChat',
  icon: <ChatIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  extensions: [
    docuchatApi,
    docuchatPage,
    ...entityCards,
    ...entityContents,
    docuchatAdminPage,
    docuchatInvoicePage,
  ],
  routes: {
    root: convertLegacyRouteRef(rootRouteRef),
    admin: convertLegacyRouteRef(adminRouteRef),
    invoice: convertLegacyRouteRef(invoiceRouteRef),
  },
});

export { docuchatEntityPagesTranslationRef } from './translations/entityPages';
