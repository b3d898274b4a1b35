import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createTemplateActions } from './actions';

/**
 * Scaffolder module with DocuChat's runbook actions (`docuchat:*`).
 *
 * @public
 */
export const scaffolderModuleDocuchat = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'docuchat',
  register({ registerInit }) {
    registerInit({
      deps: { scaffolderActions: scaffolderActionsExtensionPoint },
      async init({ scaffolderActions }) {
        scaffolderActions.addActions(...createTemplateActions());
      },
    });
  },
});
