import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { TenantStore } from '../database/TenantStore';
import { IngestionService } from '../sources/IngestionService';

export const DEMO_TENANTS = [
  { id: 'demo-acme', displayName: 'Acme (demo)' },
  { id: 'demo-globex', displayName: 'Globex (demo)' },
];

const CONTENT_TYPES: Record<string, string> = {
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.txt': 'text/plain',
};

/**
 * Embedded-defaults demo: two tenants owned by the platform group, and the
 * repository's own docs split between them so tenant isolation shows.
 * Idempotent: uploads are deduplicated by content hash.
 */
export async function seedDemo(options: {
  tenants: TenantStore;
  ingestion: IngestionService;
  logger: LoggerService;
  documents: string[];
  ownerRef: string;
}): Promise<void> {
  const { tenants, ingestion, logger, documents, ownerRef } = options;
  for (const tenant of DEMO_TENANTS) {
    await tenants.upsert({ ...tenant, ownerRef });
  }
  for (const [index, path] of documents.entries()) {
    const tenant = DEMO_TENANTS[index % DEMO_TENANTS.length];
    try {
      const content = await readFile(resolve(path));
      await ingestion.submit(tenant.id, {
        title: basename(path),
        fileName: basename(path),
        contentType: CONTENT_TYPES[extname(path)] ?? 'text/plain',
        content,
      });
    } catch (error) {
      logger.warn(`Demo document ${path} skipped`, toError(error));
    }
  }
  logger.info(
    `Demo data: tenants ${DEMO_TENANTS.map(t => t.id).join(', ')}, ${
      documents.length
    } documents queued`,
  );
}
