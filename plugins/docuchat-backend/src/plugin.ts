import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';
import { applyDatabaseMigrations } from './database/migrations';

/**
 * The DocuChat backend plugin: serves the DocuChat API under /api/docuchat.
 *
 * @public
 */
export const docuchatPlugin = createBackendPlugin({
  pluginId: 'docuchat',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
      },
      async init({ database, httpRouter }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }

        httpRouter.use(await createRouter());
        // Liveness probes (Kubernetes, the Helm chart) call health without
        // Backstage credentials; every other route keeps the default policy.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
