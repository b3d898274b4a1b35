import { TenantPassagePage } from '@docuchat/backstage-plugin-docuchat-common';
import { Knex } from 'knex';

/**
 * A tenant's passages (chunks of ready documents) in chunk id order, a page
 * at a time: what the portal's search index collates.
 */
export class DatabasePassageStore {
  constructor(private readonly db: Knex) {}

  async list(
    tenantId: string,
    options: { after?: string; limit: number },
  ): Promise<TenantPassagePage> {
    const query = this.db('docuchat_chunks as c')
      .join('docuchat_documents as d', 'd.id', 'c.document_id')
      .select(
        'c.id',
        'c.document_id',
        'c.heading_path',
        'c.text',
        'd.title',
        'd.source_url',
      )
      .where('c.tenant_id', tenantId)
      .where('d.status', 'ready')
      .orderBy('c.id')
      .limit(options.limit + 1);
    if (options.after) query.where('c.id', '>', options.after);
    const rows = await query;
    const items = rows.slice(0, options.limit).map(row => ({
      chunkId: row.id,
      documentId: row.document_id,
      documentTitle: row.title,
      headingPath: JSON.parse(row.heading_path),
      text: row.text,
      ...(row.source_url && { sourceUrl: row.source_url }),
    }));
    return {
      items,
      ...(rows.length > options.limit && {
        nextCursor: items[items.length - 1].chunkId,
      }),
    };
  }
}
