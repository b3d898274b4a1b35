import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import ChatIcon from '@material-ui/icons/Chat';
import { rootRouteRef } from '../routes';

/**
 * `/docuchat` and its sub-routes (`/docuchat/tenants/:tenantId`,
 * `.../documents`, `.../manage`), routed inside the page.
 */
export const docuchatPage = PageBlueprint.make({
  params: {
    path: '/docuchat',
    title: 'DocuChat',
    icon: <ChatIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('../components/DocuChatPage').then(m =>
        compatWrapper(<m.DocuChatPage />),
      ),
  },
});
