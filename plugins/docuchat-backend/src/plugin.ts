import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { docuchatPermissions } from '@internal/backstage-plugin-docuchat-common';
import {
  docuchatEmbeddingsExtensionPoint,
  EmbeddingProvider,
} from '@internal/backstage-plugin-docuchat-node';
import { applyDatabaseMigrations } from './database/migrations';
import { DatabaseDocumentStore } from './database/DatabaseDocumentStore';
import { DatabaseTenantStore } from './database/DatabaseTenantStore';
import { createEmbeddingProvider } from './embeddings/createEmbeddingProvider';
import { createFullTextIndex } from './search/createFullTextIndex';
import { HybridSearch } from './search/HybridSearch';
import { IngestionService } from './service/IngestionService';
import { readOptions } from './service/readOptions';
import { createRouter } from './service/router';
import { seedDemo } from './service/seedDemo';
import { TenantAccess } from './service/TenantAccess';
import { createVectorStore } from './vectors/createVectorStore';

/**
 * The DocuChat backend plugin: serves the DocuChat API under /api/docuchat.
 *
 * @public
 */
export const docuchatPlugin = createBackendPlugin({
  pluginId: 'docuchat',
  register(env) {
    let customEmbeddings: EmbeddingProvider | undefined;
    env.registerExtensionPoint(docuchatEmbeddingsExtensionPoint, {
      setEmbeddingProvider(provider) {
        if (customEmbeddings) {
          throw new Error('An embedding provider was already set');
        }
        customEmbeddings = provider;
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
      },
      async init(deps) {
        const { config, database, httpAuth, httpRouter, logger } = deps;
        const options = readOptions(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        deps.permissionsRegistry.addPermissions(docuchatPermissions);

        const tenants = new DatabaseTenantStore(knex);
        for (const tenant of options.tenants) await tenants.upsert(tenant);

        const documents = new DatabaseDocumentStore(knex);
        const vectors = await createVectorStore(knex, { logger });
        const fullText = createFullTextIndex(knex);
        const embeddings =
          customEmbeddings ?? createEmbeddingProvider(config, logger);

        const ingestion = new IngestionService({
          documents,
          vectors,
          fullText,
          embeddings,
          logger,
          maxUploadBytes: options.maxUploadBytes,
          chunking: options.chunking,
        });
        const search = new HybridSearch({
          documents,
          vectors,
          fullText,
          embeddings,
          fusion: options.fusion,
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            tenants,
            access: new TenantAccess(tenants, deps.permissions, deps.userInfo),
            documents,
            ingestion,
            search,
            maxUploadBytes: options.maxUploadBytes,
          }),
        );
        // Liveness probes (Kubernetes, the Helm chart) call health without
        // Backstage credentials; every other route keeps the default policy.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        // Background work starts once the whole backend is up.
        deps.lifecycle.addStartupHook(async () => {
          await ingestion.resume();
          if (options.demo.enabled) {
            await seedDemo({
              tenants,
              ingestion,
              logger,
              documents: options.demo.documents,
              ownerRef: options.demo.ownerRef,
            });
          }
        });
      },
    });
  },
});
