import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { DocuchatPermissionPolicy } from './DocuchatPermissionPolicy';

/**
 * Installs {@link DocuchatPermissionPolicy} in the permission backend, in
 * place of allow-all (a backend takes one policy: remove the allow-all
 * module when adding this one).
 *
 * @public
 */
export const permissionModuleDocuchatPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'docuchat-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        policy: policyExtensionPoint,
      },
      async init({ config, policy }) {
        policy.setPolicy(DocuchatPermissionPolicy.fromConfig(config));
      },
    });
  },
});
