import { compatWrapper } from '@backstage/core-compat-api';
import { ResultHighlight } from '@backstage/plugin-search-common';
import {
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import ChatIcon from '@material-ui/icons/Chat';
import {
  DOCUCHAT_SEARCH_TYPE,
  DocuchatSearchDocument,
} from '@docuchat/backstage-plugin-docuchat-common';

/**
 * DocuChat passages in the portal's search results (type `docuchat`, from
 * `search-backend-module-docuchat`).
 *
 * @alpha
 */
export const docuchatSearchResultListItem = SearchResultListItemBlueprint.make({
  params: {
    icon: <ChatIcon />,
    predicate: result => result.type === DOCUCHAT_SEARCH_TYPE,
    component: async () => {
      const { DocuchatSearchResultListItem } = await import(
        '../components/SearchResult'
      );
      return props => {
        // The search page also passes the result's highlight.
        const { result, rank, icon, highlight } = props as typeof props & {
          highlight?: ResultHighlight;
        };
        return compatWrapper(
          <DocuchatSearchResultListItem
            result={result as unknown as DocuchatSearchDocument}
            highlight={highlight}
            rank={rank}
            icon={icon}
          />,
        );
      };
    },
  },
});

/**
 * "DocuChat" among the search page's result types.
 *
 * @alpha
 */
export const docuchatSearchResultType = SearchFilterResultTypeBlueprint.make({
  params: {
    value: DOCUCHAT_SEARCH_TYPE,
    name: 'DocuChat',
    icon: <ChatIcon />,
  },
});
