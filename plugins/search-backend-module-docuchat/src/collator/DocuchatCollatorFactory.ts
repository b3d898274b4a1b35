import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  docuchatChatPermission,
  DOCUCHAT_SEARCH_TYPE,
  DocuchatSearchDocument,
  Tenant,
  TenantPassagePage,
} from '@docuchat/backstage-plugin-docuchat-common';
import { Readable } from 'node:stream';

/**
 * What the DocuChat collator needs: the search plugin's own services (the
 * module passes them).
 *
 * @public
 */
export interface DocuchatCollatorFactoryOptions {
  /** Makes the search plugin's token for DocuChat (`plugin:search`). */
  auth: AuthService;
  /** Finds the DocuChat backend's base URL. */
  discovery: DiscoveryService;
  /** Logs each run's count of passages and tenants. */
  logger: LoggerService;
  /** Passages per request. Default 500. */
  pageSize?: number;
}

/**
 * Collates every passage of every tenant's documents from the DocuChat API.
 *
 * Each document carries its tenant as the authorization resource
 * (`authorization.resourceRef`, the tenant id) and the collator's
 * visibility permission is `docuchat.chat` on tenants: Backstage's search
 * asks the permission framework, per query, which tenants' documents the
 * searching user may see, and drops the others before they leave the
 * search backend.
 *
 * The collator calls DocuChat as the search plugin (`plugin:search`), which
 * DocuChat admits through `docuchat.serviceAccess` with
 * `docuchat.tenant.read` and `docuchat.chat`.
 *
 * @public
 */
export class DocuchatCollatorFactory implements DocumentCollatorFactory {
  /** The search documents' type, `docuchat` (`DOCUCHAT_SEARCH_TYPE`). */
  readonly type = DOCUCHAT_SEARCH_TYPE;
  /**
   * `docuchat.chat` on the document's tenant: who may ask a tenant may find
   * its passages.
   */
  readonly visibilityPermission = docuchatChatPermission;

  constructor(private readonly options: DocuchatCollatorFactoryOptions) {}

  /** Every passage of every tenant, read page by page as the stream is read. */
  async getCollator(): Promise<Readable> {
    return Readable.from(this.collate());
  }

  private async *collate(): AsyncGenerator<
    DocuchatSearchDocument & IndexableDocument
  > {
    const { auth, discovery, logger } = this.options;
    const pageSize = this.options.pageSize ?? 500;
    const baseUrl = await discovery.getBaseUrl('docuchat');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'docuchat',
    });
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${baseUrl}${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!response.ok) throw await ResponseError.fromResponse(response);
      return (await response.json()) as T;
    };

    const { items: tenants } = await get<{ items: Tenant[] }>('/tenants');
    let count = 0;
    for (const tenant of tenants) {
      const tenantPath = `/tenants/${encodeURIComponent(tenant.id)}`;
      let after: string | undefined;
      do {
        const query = new URLSearchParams({ limit: String(pageSize) });
        if (after) query.set('after', after);
        const page = await get<TenantPassagePage>(
          `${tenantPath}/passages?${query}`,
        );
        for (const passage of page.items) {
          count++;
          yield {
            title: titleOf(passage),
            text: readableText(passage.text),
            location: `/docuchat${tenantPath}/documents?passage=${passage.chunkId}`,
            tenantId: tenant.id,
            tenantName: tenant.displayName,
            documentId: passage.documentId,
            documentTitle: passage.documentTitle,
            chunkId: passage.chunkId,
            headingPath: passage.headingPath,
            ...(passage.sourceUrl && { sourceUrl: passage.sourceUrl }),
            authorization: { resourceRef: tenant.id },
          };
        }
        after = page.nextCursor;
      } while (after);
    }
    logger.info(
      `DocuChat collator: ${count} passages of ${tenants.length} tenants`,
    );
  }
}

/**
 * The document's title and the passage's headings, without repeating a
 * first heading the title already ends with (a TechDocs page's title is
 * its site's and its own h1).
 */
function titleOf(passage: {
  documentTitle: string;
  headingPath: string[];
}): string {
  const [first, ...rest] = passage.headingPath;
  const headings =
    first !== undefined && passage.documentTitle.endsWith(first)
      ? rest
      : passage.headingPath;
  return [passage.documentTitle, ...headings].join(' › ');
}

/**
 * The passage as a result shows it: without Markdown heading lines (`# …`),
 * which the result's title already names (document › headings) and which
 * would read as "# Backups Backups of …" in the result item.
 */
export function readableText(text: string): string {
  return text
    .split('\n')
    .filter(line => !/^\s{0,3}#{1,6}(\s|$)/.test(line))
    .join('\n')
    .trim();
}
