import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/** `docuchat.sources` and the demo's `ops` tenant (`docuchat.demo.opsTenant`). */
export interface SourcesConfig {
  /** When every source syncs (one replica at a time). */
  schedule: SchedulerServiceTaskScheduleDefinition;
  demo: {
    /** Seed the `ops` tenant (with `docuchat.demo.enabled`). */
    enabled: boolean;
    /** Catalog filter of the TechDocs source. */
    techdocs: string;
    /** Catalog filter of the catalog source. */
    catalog: string;
    /** Markdown read as documents when `mkdocs` is not installed. */
    fallbackDirectory?: string;
  };
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { minutes: 5 },
};

/** Reads the sources' settings; a malformed schedule fails start-up. */
export function readSourcesConfig(config: Config): SourcesConfig {
  const schedule = config.getOptionalConfig('docuchat.sources.schedule');
  const ops = config.getOptionalConfig('docuchat.demo.opsTenant');
  return {
    schedule: schedule
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(schedule)
      : DEFAULT_SCHEDULE,
    demo: {
      enabled:
        (config.getOptionalBoolean('docuchat.demo.enabled') ?? false) &&
        (ops?.getOptionalBoolean('enabled') ?? true),
      techdocs:
        ops?.getOptionalString('techdocs') ??
        'kind=system,metadata.name=docuchat',
      catalog: ops?.getOptionalString('catalog') ?? 'spec.system=docuchat',
      fallbackDirectory: ops?.getOptionalString('fallbackDirectory'),
    },
  };
}
