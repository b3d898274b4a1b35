/**
 * The type of DocuChat's documents in the portal's search.
 *
 * @public
 */
export const DOCUCHAT_SEARCH_TYPE = 'docuchat';

/**
 * One passage of a tenant's document in the portal's search, as the
 * `search-backend-module-docuchat` collator indexes it: `title` is the
 * document's title and the passage's headings, `location` the DocuChat page
 * at that passage.
 *
 * @public
 */
export interface DocuchatSearchDocument {
  /** The document's title and the passage's headings, joined by ` › `. */
  title: string;
  /** The passage. */
  text: string;
  /** `/docuchat/tenants/<tenantId>/documents?passage=<chunkId>`. */
  location: string;
  tenantId: string;
  tenantName: string;
  documentId: string;
  documentTitle: string;
  /** The passage's id; the DocuChat page opens it from `location`. */
  chunkId: string;
  /** The headings above the passage, outermost first. */
  headingPath: string[];
  /** The portal page a source's document came from (TechDocs, entity). */
  sourceUrl?: string;
}
