import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { DocuchatEntityProvider } from './provider/DocuchatEntityProvider';
import { readEnvironments } from './provider/readEnvironments';

/**
 * Catalog module that provides DocuChat environments as entities.
 *
 * @public
 */
export const catalogModuleDocuchat = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'docuchat',
  register({ registerInit }) {
    registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ config, logger, processing }) {
        processing.addEntityProvider(
          new DocuchatEntityProvider({
            environments: readEnvironments(config),
            logger,
          }),
        );
      },
    });
  },
});
