import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { DocuchatEntityProvider } from './provider/DocuchatEntityProvider';
import { DocuchatTenantClient } from './provider/DocuchatTenantClient';
import {
  DocuchatTemplateProvider,
  findTemplatesDirectory,
  TEMPLATES_PACKAGE,
} from './provider/DocuchatTemplateProvider';
import { DocuchatTenantProvider } from './provider/DocuchatTenantProvider';
import {
  readEnvironments,
  readServedEnvironmentRef,
} from './provider/readEnvironments';

const SCHEDULE_KEY = 'catalog.providers.docuchat.schedule';
const TEMPLATES_KEY = 'catalog.providers.docuchat.templates';

/**
 * Catalog module that provides DocuChat environments and tenants as
 * entities, and the scaffolder templates of the installed DocuChat
 * scaffolder module.
 *
 * @public
 */
export const catalogModuleDocuchat = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'docuchat',
  register({ registerInit }) {
    registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        logger: coreServices.logger,
        processing: catalogProcessingExtensionPoint,
        scheduler: coreServices.scheduler,
      },
      async init({ auth, config, discovery, events, logger, ...deps }) {
        const environments = readEnvironments(config);
        deps.processing.addEntityProvider(
          new DocuchatEntityProvider({ environments, logger }),
        );

        if (config.getOptionalBoolean(TEMPLATES_KEY) ?? true) {
          const directory = findTemplatesDirectory();
          if (directory) {
            deps.processing.addEntityProvider(
              new DocuchatTemplateProvider({ directory, logger }),
            );
          } else {
            logger.info(
              `No DocuChat templates: ${TEMPLATES_PACKAGE} is not installed`,
            );
          }
        }

        const schedule = config.has(SCHEDULE_KEY)
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig(SCHEDULE_KEY),
            )
          : // The first run waits for the DocuChat API, which serves only
            // once the whole backend has started.
            {
              frequency: { minutes: 30 },
              timeout: { minutes: 3 },
              initialDelay: { seconds: 15 },
            };
        deps.processing.addEntityProvider(
          new DocuchatTenantProvider({
            client: new DocuchatTenantClient(discovery, auth),
            taskRunner: deps.scheduler.createScheduledTaskRunner(schedule),
            events,
            logger,
            appBaseUrl: config.getString('app.baseUrl'),
            environmentRef: readServedEnvironmentRef(config, environments),
          }),
        );
      },
    });
  },
});
