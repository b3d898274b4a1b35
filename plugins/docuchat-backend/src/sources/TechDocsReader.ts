import { toError } from '@backstage/errors';
import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { SourceSyncError } from '@docuchat/backstage-plugin-docuchat-common';
import { extractTechDocsArticle } from '../ingest/techdocsArticle';
import { parseCatalogFilter } from './catalogFilter';
import { techDocsPageUrl } from './portalUrls';
import { TechDocsSite } from './TechDocsSite';
import {
  SourcePage,
  SourceReadAccess,
  SourceReader,
  SourceReadResult,
} from './SourceReader';

const TECHDOCS_REF = 'backstage.io/techdocs-ref';
// Pages fetched at once from the TechDocs backend, per entity.
const PAGE_CONCURRENCY = 4;

/**
 * `techdocs` sources: the TechDocs sites of the entities matched by the
 * filter, read through the TechDocs backend with the caller's credentials,
 * so its permission checks (and the catalog's) apply. Each entity's site is
 * brought up to date first (`/sync`, which builds it where the portal
 * builds docs locally); then every HTML page listed in its
 * `techdocs_metadata.json` is read, and its article kept.
 */
export class TechDocsReader implements SourceReader {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  async read(
    filter: string,
    access: SourceReadAccess,
  ): Promise<SourceReadResult> {
    const { catalog, discovery, auth } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: {
          ...parseCatalogFilter(filter),
          [`metadata.annotations.${TECHDOCS_REF}`]: CATALOG_FILTER_EXISTS,
        },
      },
      { credentials: access.credentials },
    );
    const only = access.onlyRefs && new Set(access.onlyRefs);
    const entities = items.filter(
      e => !only || only.has(stringifyEntityRef(e)),
    );
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: access.credentials,
      targetPluginId: 'techdocs',
    });
    const site = new TechDocsSite(
      await discovery.getBaseUrl('techdocs'),
      token,
    );
    const result: SourceReadResult = {
      entityRefs: entities.map(e => stringifyEntityRef(e)),
      pages: [],
      errors: [],
      unreadEntityRefs: [],
    };
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      try {
        await site.build(entity);
        const files = await site.listPages(entity);
        const read = await mapLimit(files, PAGE_CONCURRENCY, file =>
          this.readPage(site, entity, file),
        );
        for (const page of read) {
          if ('message' in page) result.errors.push(page);
          else result.pages.push(page);
        }
      } catch (error) {
        result.unreadEntityRefs.push(ref);
        result.errors.push({ key: ref, message: toError(error).message });
      }
    }
    return result;
  }

  private async readPage(
    site: TechDocsSite,
    entity: Entity,
    file: string,
  ): Promise<SourcePage | SourceSyncError> {
    const key = `${stringifyEntityRef(entity)}/${file}`;
    try {
      const article = extractTechDocsArticle(await site.read(entity, file));
      const entityTitle = entity.metadata.title || entity.metadata.name;
      return {
        key,
        title: article.title
          ? `${entityTitle}: ${article.title}`
          : `${entityTitle}: ${file}`,
        url: techDocsPageUrl(entity, file),
        contentType: 'text/html; charset=utf-8',
        content: Buffer.from(article.html, 'utf8'),
      };
    } catch (error) {
      return { key, message: toError(error).message };
    }
  }
}

/** `fn` over `items` with at most `limit` running at once, results in order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}
