import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { SourceKind } from '@docuchat/backstage-plugin-docuchat-common';
import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { delimiter, join, relative, resolve } from 'node:path';
import { TenantStore } from '../database/TenantStore';
import { IngestionService } from '../sources/IngestionService';
import { SourcesConfig } from '../sources/readSourcesConfig';
import { SourceSyncService } from '../sources/SourceSyncService';

export const OPS_TENANT = { id: 'ops', displayName: 'Operations (demo)' };

// The catalog reads catalog-info.yaml shortly after start-up: the first
// syncs look again until the DocuChat system is there.
const FIRST_SYNC_ATTEMPTS = 36;
const FIRST_SYNC_RETRY_MS = 5_000;

/**
 * The demo's `ops` tenant: this repository's Persian runbooks and DevOps
 * guide, published as the TechDocs of the DocuChat system, and the
 * system's catalog entities, as sources synced at start-up, so a newcomer
 * can ask a Persian runbook question on first start. Where TechDocs cannot
 * be generated here (`mkdocs` missing with `techdocs.generator.runIn:
 * local`), the same Markdown pages are uploaded as documents instead.
 * Idempotent: sources are made once, uploads deduplicated by hash.
 */
export async function seedOpsTenant(options: {
  config: Config;
  tenants: TenantStore;
  sources: SourceSyncService;
  ingestion: IngestionService;
  logger: LoggerService;
  ownerRef: string;
  settings: SourcesConfig['demo'];
}): Promise<void> {
  const { tenants, sources, ingestion, logger, ownerRef, settings } = options;
  await tenants.upsert({ ...OPS_TENANT, ownerRef });
  const generator = await techDocsGeneratorAvailable(options.config);
  const wanted: Array<{ kind: SourceKind; filter: string; title: string }> = [
    {
      kind: 'catalog',
      filter: settings.catalog,
      title: 'DocuChat in the catalog',
    },
  ];
  if (generator) {
    wanted.push({
      kind: 'techdocs',
      filter: settings.techdocs,
      title: 'DocuChat TechDocs (Persian runbooks and DevOps guide)',
    });
  } else if (settings.fallbackDirectory) {
    const uploaded = await uploadMarkdown(
      ingestion,
      resolve(settings.fallbackDirectory),
    );
    logger.warn(
      `TechDocs cannot be generated here (mkdocs is not on PATH): the ops tenant gets ${uploaded} pages of ${settings.fallbackDirectory} as uploads instead of a TechDocs source`,
    );
  }
  const existing = await sources.list(OPS_TENANT.id);
  for (const source of wanted) {
    const found = existing.find(
      s => s.kind === source.kind && s.filter === source.filter,
    );
    const id = found?.id ?? (await sources.create(OPS_TENANT.id, source)).id;
    void syncUntilFound(sources, id, logger);
  }
}

async function syncUntilFound(
  sources: SourceSyncService,
  sourceId: string,
  logger: LoggerService,
) {
  for (let attempt = 1; attempt <= FIRST_SYNC_ATTEMPTS; attempt++) {
    try {
      const result = await sources.sync(OPS_TENANT.id, sourceId, {
        type: 'service',
        name: 'demo',
      });
      const { counts } = result ?? { counts: undefined };
      if (
        !result ||
        counts!.added + counts!.changed + counts!.unchanged + counts!.failed > 0
      ) {
        return;
      }
    } catch (error) {
      logger.warn(`Demo source ${sourceId}: ${error}`);
      return;
    }
    await new Promise(r => setTimeout(r, FIRST_SYNC_RETRY_MS));
  }
  logger.warn(
    `Demo source ${sourceId} found nothing in the catalog after ${FIRST_SYNC_ATTEMPTS} tries`,
  );
}

async function techDocsGeneratorAvailable(config: Config): Promise<boolean> {
  if (config.getOptionalString('techdocs.generator.runIn') !== 'local') {
    return true;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      await access(join(dir, 'mkdocs'), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

async function uploadMarkdown(
  ingestion: IngestionService,
  directory: string,
): Promise<number> {
  const files = (await readdir(directory, { recursive: true }))
    .filter(file => file.endsWith('.md'))
    .sort();
  for (const file of files) {
    await ingestion.submit(OPS_TENANT.id, {
      title: relative(directory, join(directory, file)),
      fileName: file,
      contentType: 'text/markdown',
      content: await readFile(join(directory, file)),
    });
  }
  return files.length;
}
