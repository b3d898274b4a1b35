import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { ResultHighlight } from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import ChatIcon from '@material-ui/icons/Chat';
import { DocuchatSearchDocument } from '@docuchat/backstage-plugin-docuchat-common';
import { ReactNode } from 'react';
import { docuchatTranslationRef } from '../../translation';

/**
 * What `<SearchResult>` passes to a result item, as for Backstage's own.
 *
 * @public
 */
export interface DocuchatSearchResultListItemProps {
  /** The search result's document (type `docuchat`). */
  result?: DocuchatSearchDocument;
  /** The matched words of the title and text, highlighted when present. */
  highlight?: ResultHighlight;
  /** The result's position in the list; accepted, not shown. */
  rank?: number;
  /** Shown before the result; defaults to DocuChat's chat icon. */
  icon?: ReactNode;
}

const MAX_TEXT = 600;
// Passages are long: three lines of each, as Backstage's own result items.
const clamped = {
  display: '-webkit-box',
  WebkitLineClamp: 3,
  WebkitBoxOrient: 'vertical',
  overflow: 'hidden',
} as const;

/**
 * A DocuChat passage in the portal's search results: the document and its
 * headings (linking to the passage on the DocuChat page), the tenant, and
 * the passage's text with the matched words highlighted.
 *
 * @public
 */
export function DocuchatSearchResultListItem(
  props: DocuchatSearchResultListItemProps,
) {
  const { result, highlight, icon } = props;
  const { t } = useTranslationRef(docuchatTranslationRef);
  if (!result) return null;
  const field = (name: 'title' | 'text', value: string) =>
    highlight?.fields[name] ? (
      <HighlightedSearchResultText
        text={highlight.fields[name]}
        preTag={highlight.preTag}
        postTag={highlight.postTag}
      />
    ) : (
      value
    );
  const text =
    result.text.length > MAX_TEXT
      ? `${result.text.slice(0, MAX_TEXT - 1)}…`
      : result.text;
  return (
    <ListItem alignItems="flex-start" divider>
      <ListItemIcon>{icon ?? <ChatIcon />}</ListItemIcon>
      <ListItemText
        primary={
          <Link to={result.location} dir="auto">
            {field('title', result.title)}
          </Link>
        }
        secondary={
          <>
            <span dir="auto" style={clamped}>
              {field('text', text)}
            </span>
            <Box component="span" mt={1} display="block">
              <Chip
                size="small"
                label={t('portalSearch.inTenant', {
                  tenant: result.tenantName,
                })}
              />
            </Box>
          </>
        }
        secondaryTypographyProps={{ component: 'div' }}
      />
    </ListItem>
  );
}
