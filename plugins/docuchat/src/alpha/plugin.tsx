import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import ChatIcon from '@material-ui/icons/Chat';
import { rootRouteRef } from '../routes';
import { adminRouteRef, invoiceRouteRef } from '../entityPagesRoutes';
import { docuchatAdminPage, docuchatInvoicePage } from './adminPage';
import { docuchatApi } from './apis';
import { entityCards } from './entityCards';
import { entityContents } from './entityContents';
import { docuchatPage } from './pages';
import {
  docuchatSearchResultListItem,
  docuchatSearchResultType,
} from './searchResults';

/**
 * The DocuChat plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'docuchat',
  title: 'DocuChat',
  icon: <ChatIcon fontSize="inherit" />,
  info: { packageJson: () => import('../../package.json') },
  extensions: [
    docuchatApi,
    docuchatPage,
    ...entityCards,
    ...entityContents,
    docuchatAdminPage,
    docuchatInvoicePage,
    docuchatSearchResultListItem,
    docuchatSearchResultType,
  ],
  routes: {
    root: convertLegacyRouteRef(rootRouteRef),
    admin: convertLegacyRouteRef(adminRouteRef),
    invoice: convertLegacyRouteRef(invoiceRouteRef),
  },
});
