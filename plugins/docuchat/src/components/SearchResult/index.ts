export { DocuchatSearchResultListItem } from './DocuchatSearchResultListItem';
export type { DocuchatSearchResultListItemProps } from './DocuchatSearchResultListItem';
