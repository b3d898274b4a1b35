import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { docuchatPermissions } from '@internal/backstage-plugin-docuchat-common';
import {
  ChatModel,
  docuchatChatModelsExtensionPoint,
  docuchatEmbeddingsExtensionPoint,
  EmbeddingProvider,
} from '@internal/backstage-plugin-docuchat-node';
import { registerDocuchatActions } from './actions/registerDocuchatActions';
import { AskService } from './ask/AskService';
import { createCaches } from './cache/createCaches';
import { createChatModelChain } from './chat/createChatModelChain';
import { DatabaseConversationStore } from './database/DatabaseConversationStore';
import { applyDatabaseMigrations } from './database/migrations';
import { DatabaseTenantStore } from './database/DatabaseTenantStore';
import { DatabaseUsageLedger } from './database/DatabaseUsageLedger';
import { createEmbeddingProvider } from './embeddings/createEmbeddingProvider';
import { UsageMeter } from './metering/UsageMeter';
import { DocuchatMetrics } from './metrics/DocuchatMetrics';
import { createHttpMetricsMiddleware } from './metrics/httpMetricsMiddleware';
import { createMetricsRouter } from './metrics/createMetricsRouter';
import { readMetricsConfig } from './metrics/readMetricsConfig';
import { createRetrievalServices } from './service/createRetrievalServices';
import { readOptions } from './service/readOptions';
import { createRouter } from './service/router';
import { seedDemo } from './service/seedDemo';
import { TenantAccess } from './service/TenantAccess';
import { RunningWork } from './service/RunningWork';
import { scheduleBackgroundWork } from './service/scheduleBackgroundWork';
import { readPricing } from './usage/readPricing';
import { readBillingTimeZone } from './billing/readBillingConfig';

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
    const extraChatModels: ChatModel[] = [];
    env.registerExtensionPoint(docuchatChatModelsExtensionPoint, {
      addChatModel(model) {
        extraChatModels.push(model);
      },
    });

    env.registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        cache: coreServices.cache,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
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

        // Every request is timed, the metrics scrape included: mount first.
        const metrics = new DocuchatMetrics();
        httpRouter.use(createHttpMetricsMiddleware(metrics));
        httpRouter.use(
          createMetricsRouter({ metrics, access: readMetricsConfig(config) }),
        );

        const embeddings =
          customEmbeddings ?? createEmbeddingProvider(config, logger);
        const ledger = new DatabaseUsageLedger(knex);
        const meter = new UsageMeter({ ledger, counters: metrics, logger });
        const caches = createCaches({ cache: deps.cache, config, logger });
        // Answers streaming and documents ingesting: drained at shutdown.
        const running = new RunningWork();
        const { documents, ingestion, search } = await createRetrievalServices({
          knex,
          embeddings,
          meter,
          logger,
          settings: options,
          queryVectorCache: caches.queryEmbeddings,
          onChunksIndexed: (tenantId, count) =>
            metrics.countIndexedChunks(tenantId, count),
          work: options.work.ingestion,
          running,
          auditor: deps.auditor,
        });
        const conversations = new DatabaseConversationStore(knex);
        const ask = new AskService({
          search,
          chain: createChatModelChain({
            config,
            logger,
            recorder: metrics,
            extraModels: extraChatModels,
          }),
          meter,
          revision: tenantId => documents.revision(tenantId),
          settings: options.ask,
          logger,
          conversations,
          answers: caches.answers,
          counters: metrics,
          running,
        });

        const access = new TenantAccess(
          tenants,
          deps.permissions,
          deps.userInfo,
        );
        registerDocuchatActions({
          actionsRegistry: deps.actionsRegistry,
          access,
          search,
          ask,
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            tenants,
            access,
            documents,
            ingestion,
            search,
            ask,
            conversations,
            ledger,
            auditor: deps.auditor,
            pricing: readPricing(config),
            maxUploadBytes: options.maxUploadBytes,
            billingTimeZone: readBillingTimeZone(config),
            // Billing adds 'billing' here where it mounts its routes.
            capabilities: ['tenants', 'documents', 'chat', 'usage'],
          }),
        );
        // Liveness probes (Kubernetes, the Helm chart) call health without
        // Backstage credentials. The metrics scrape checks its own bearer
        // token (or is public when config says so). Every other route keeps
        // the default policy.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({
          path: '/metrics',
          allow: 'unauthenticated',
        });

        await scheduleBackgroundWork({
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          logger,
          running,
          ingestion,
          meter,
          settings: options.work,
        });
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
