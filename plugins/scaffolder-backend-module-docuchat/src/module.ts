import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createTemplateActions } from './actions';

/**
 * Scaffolder module with DocuChat's actions (`docuchat:*`): tenants,
 * billing and the Kubernetes runbooks.
 *
 * @public
 */
export const scaffolderModuleDocuchat = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'docuchat',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolderActions, ...options }) {
        scaffolderActions.addActions(...createTemplateActions(options));
      },
    });
  },
});
