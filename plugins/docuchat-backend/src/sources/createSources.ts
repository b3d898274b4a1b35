import {
  AuditorService,
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import { DatabaseSourceStore } from '../database/DatabaseSourceStore';
import { RunningWork } from '../lifecycle/RunningWork';
import { CatalogEntityReader } from './CatalogEntityReader';
import { IngestionService } from './IngestionService';
import { readSourcesConfig } from './readSourcesConfig';
import { SourceSyncService } from './SourceSyncService';
import { TechDocsReader } from './TechDocsReader';

/** Sources wired to the portal's catalog and TechDocs backends. */
export function createSources(options: {
  knex: Knex;
  config: Config;
  ingestion: IngestionService;
  catalog: CatalogService;
  discovery: DiscoveryService;
  auth: AuthService;
  logger: LoggerService;
  auditor?: AuditorService;
  running?: RunningWork;
}) {
  const { catalog, discovery, auth } = options;
  const service = new SourceSyncService({
    sources: new DatabaseSourceStore(options.knex),
    ingestion: options.ingestion,
    readers: {
      techdocs: new TechDocsReader({ catalog, discovery, auth }),
      catalog: new CatalogEntityReader({ catalog }),
    },
    auth,
    logger: options.logger,
    auditor: options.auditor,
    running: options.running,
  });
  return { service, settings: readSourcesConfig(options.config) };
}

/** Every source syncs on the schedule, one replica at a time. */
export async function scheduleSourceSync(options: {
  scheduler: SchedulerService;
  sources: SourceSyncService;
  schedule: SchedulerServiceTaskScheduleDefinition;
}): Promise<void> {
  await options.scheduler.scheduleTask({
    id: 'docuchat-sources-sync',
    scope: 'global',
    ...options.schedule,
    fn: () => options.sources.syncAll(),
  });
}
