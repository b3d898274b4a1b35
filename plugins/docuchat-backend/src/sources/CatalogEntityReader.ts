import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { parseCatalogFilter } from './catalogFilter';
import { entityPageUrl } from './portalUrls';
import { renderEntityDocument } from './renderEntityDocument';
import {
  SourceReadAccess,
  SourceReader,
  SourceReadResult,
} from './SourceReader';

/**
 * `catalog` sources: each entity matched by the filter, as the caller may
 * read it, rendered as a short Markdown document citing its entity page.
 */
export class CatalogEntityReader implements SourceReader {
  constructor(private readonly options: { catalog: CatalogService }) {}

  async read(
    filter: string,
    access: SourceReadAccess,
  ): Promise<SourceReadResult> {
    const { items } = await this.options.catalog.getEntities(
      { filter: parseCatalogFilter(filter) },
      { credentials: access.credentials },
    );
    const only = access.onlyRefs && new Set(access.onlyRefs);
    const entities = items.filter(
      e => !only || only.has(stringifyEntityRef(e)),
    );
    return {
      entityRefs: entities.map(e => stringifyEntityRef(e)),
      pages: entities.map(entity => {
        const { title, markdown } = renderEntityDocument(entity);
        return {
          key: stringifyEntityRef(entity),
          title,
          url: entityPageUrl(entity),
          contentType: 'text/markdown; charset=utf-8',
          content: Buffer.from(markdown, 'utf8'),
        };
      }),
      errors: [],
      unreadEntityRefs: [],
    };
  }
}
