import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  docuchatTenantCreatePermission,
  docuchatBillingRunPermission,
  docuchatOperationsReadPermission,
  docuchatTenantPermissions,
} from '@docuchat/backstage-plugin-docuchat-common';
import {
  ChatModel,
  docuchatChatModelsExtensionPoint,
  docuchatEmbeddingsExtensionPoint,
  docuchatPaymentGatewayExtensionPoint,
  EmbeddingProvider,
  PaymentGateway,
} from '@docuchat/backstage-plugin-docuchat-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { registerDocuchatActions } from './actions/registerDocuchatActions';
import { AskService } from './ask/AskService';
import { createBilling, scheduleBilling } from './billing/createBilling';
import { seedDemoBilling } from './demo/seedDemoBilling';
import { createCaches } from './createCaches';
import { createChatModelChain } from './chat/createChatModelChain';
import { DatabaseConversationStore } from './database/DatabaseConversationStore';
import { applyDatabaseMigrations } from './database/migrations';
import { DatabaseTenantStore } from './database/DatabaseTenantStore';
import { DatabaseUsageLedger } from './usage/DatabaseUsageLedger';
import { createEmbeddingProvider } from './embeddings/createEmbeddingProvider';
import { PublishingTenantStore } from './events/PublishingTenantStore';
import { ParserPool } from './ingest/ParserPool';
import { readParserConfig } from './ingest/readParserConfig';
import { UsageMeter } from './usage/UsageMeter';
import { DocuchatMetrics } from './metrics/DocuchatMetrics';
import { readMetricsConfig } from './metrics/readMetricsConfig';
import { createRetrievalServices } from './sources/createRetrievalServices';
import { readOptions } from './readOptions';
import { DatabaseRateWindows } from './limits/DatabaseRateWindows';
import { WriteBatch } from './database/WriteBatch';
import { readLimitsConfig } from './limits/readLimitsConfig';
import { TenantLimits } from './limits/TenantLimits';
import { readServiceAccess } from './permissions/readServiceAccess';
import {
  docuchatTenantResourceRef,
  docuchatTenantRules,
} from './permissions/tenantPermissionRules';
import { createRouter } from './http/createRouter';
import { seedDemo } from './demo/seedDemo';
import { TenantAccess } from './permissions/TenantAccess';
import { RunningWork } from './lifecycle/RunningWork';
import { scheduleBackgroundWork } from './scheduleBackgroundWork';
import { readPricing } from './usage/readPricing';
import { createSources, scheduleSourceSync } from './sources/createSources';
import { DatabasePassageStore } from './database/DatabasePassageStore';
import { seedOpsTenant } from './demo/seedOpsTenant';

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

    let customGateway: PaymentGateway | undefined;
    env.registerExtensionPoint(docuchatPaymentGatewayExtensionPoint, {
      setPaymentGateway(gateway) {
        if (customGateway) {
          throw new Error('A payment gateway was already set');
        }
        customGateway = gateway;
      },
    });

    env.registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        discovery: coreServices.discovery,
        notifications: notificationService,
        cache: coreServices.cache,
        config: coreServices.rootConfig,
        database: coreServices.database,
        events: eventsServiceRef,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
      },
      async init(deps) {
        const { config, database, httpAuth, httpRouter, logger } = deps;
        const options = readOptions(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        // Creates and updates are published on the events service, so the
        // catalog shows a new tenant without waiting for its full refresh.
        const tenants = new PublishingTenantStore(
          new DatabaseTenantStore(knex),
          deps.events,
          logger,
        );
        deps.permissionsRegistry.addPermissions([
          docuchatTenantCreatePermission,
          docuchatBillingRunPermission,
          docuchatOperationsReadPermission,
        ]);
        // The rules let a policy answer tenant permissions conditionally;
        // getResources lets the permission backend apply such an answer to
        // one tenant when a plugin asks `authorize` with a tenant id.
        deps.permissionsRegistry.addResourceType({
          resourceRef: docuchatTenantResourceRef,
          permissions: docuchatTenantPermissions,
          rules: Object.values(docuchatTenantRules),
          getResources: ids => Promise.all(ids.map(id => tenants.get(id))),
        });
        const limitsConfig = readLimitsConfig(config);
        for (const tenant of options.tenants) await tenants.upsert(tenant);

        const metrics = new DocuchatMetrics();
        const embeddings =
          customEmbeddings ?? createEmbeddingProvider(config, logger);
        const ledger = new DatabaseUsageLedger(knex);
        const meter = new UsageMeter({
          ledger,
          counters: metrics,
          logger,
          // Outlasts a database restart; leaves the sweep what it is for.
          settleRetryMs: Math.min(60_000, options.work.abandonedCallMs / 2),
        });
        const caches = createCaches({ cache: deps.cache, config, logger });
        // Answers streaming and documents ingesting: drained at shutdown.
        const running = new RunningWork();
        // Uploads are parsed in worker threads, never on the event loop the
        // whole backend shares. Closing waits for the documents being parsed
        // (the shutdown drain lets them finish or aborts them) before it
        // stops the workers.
        const parser = new ParserPool(readParserConfig(config));
        deps.lifecycle.addShutdownHook(() => parser.close());
        const { documents, ingestion, search, queryEmbedder } =
          await createRetrievalServices({
            knex,
            embeddings,
            meter,
            logger,
            settings: options,
            queryVectorCache: caches.queryEmbeddings,
            onChunksIndexed: (tenantId, count) =>
              metrics.countIndexedChunks(tenantId, count),
            parser,
            observer: {
              parsed: (format, seconds, ok) =>
                metrics.observeParse(format, seconds, ok ? 'ok' : 'failed'),
              failed: reason => metrics.countIngestionFailure(reason),
            },
            work: options.work.ingestion,
            running,
            auditor: deps.auditor,
          });
        const conversations = new DatabaseConversationStore(knex);
        const ask = new AskService({
          search,
          queryEmbedder,
          writes: () => new WriteBatch(knex, { prepared: true }),
          chain: createChatModelChain({
            config,
            logger,
            recorder: metrics,
            extraModels: extraChatModels,
            embeddings,
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

        const access = new TenantAccess({
          tenants,
          permissions: deps.permissions,
          serviceAccess: readServiceAccess(config),
        });
        const limits = new TenantLimits({
          config: limitsConfig,
          ledger,
          windows: new DatabaseRateWindows(knex),
          reportBudget: (tenantId, tokens) =>
            metrics.setDailyTokenBudget(tenantId, tokens),
        });
        const sources = createSources({
          knex,
          config,
          ingestion,
          catalog: deps.catalog,
          discovery: deps.discovery,
          auth: deps.auth,
          logger,
          auditor: deps.auditor,
          running,
        });
        await scheduleSourceSync({
          scheduler: deps.scheduler,
          sources: sources.service,
          schedule: sources.settings.schedule,
        });
        registerDocuchatActions({
          actionsRegistry: deps.actionsRegistry,
          access,
          search,
          ask,
          limits,
        });
        const pricing = readPricing(config);
        const billing = createBilling({
          config,
          knex,
          tenants,
          ledger,
          pricing,
          logger,
          notifications: deps.notifications,
          gateway: customGateway,
          metrics,
        });
        httpRouter.use(
          createRouter({
            logger,
            httpAuth,
            access,
            auditor: deps.auditor,
            metrics,
            metricsAccess: readMetricsConfig(config),
            tenants,
            documents,
            ingestion,
            search,
            ask,
            conversations,
            ledger,
            pricing,
            limits,
            billing: { ...billing, timeZone: billing.settings.timeZone },
            maxUploadBytes: options.maxUploadBytes,
            maxBodyBytes: limitsConfig.maxBodyBytes,
            embeddingModel: embeddings.model,
            sources: sources.service,
            passages: new DatabasePassageStore(knex),
            // Health lists billing only while it runs (docuchat.billing.enabled);
            // the frontend shows it as not available otherwise.
            capabilities: [
              'tenants',
              'documents',
              'chat',
              'usage',
              ...(billing.settings.enabled ? (['billing'] as const) : []),
            ],
          }),
        );
        deps.lifecycle.addShutdownHook(billing.close);
        if (billing.settings.enabled) {
          await scheduleBilling({
            scheduler: deps.scheduler,
            runner: billing.runner,
            cron: billing.settings.cron,
            logger,
          });
        }
        // Zibal sends the payer back here without Backstage credentials;
        // the route trusts nothing it receives and verifies with Zibal.
        httpRouter.addAuthPolicy({
          path: '/billing/zibal/callback',
          allow: 'unauthenticated',
        });
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
            if (sources.settings.demo.enabled) {
              await seedOpsTenant({
                config,
                tenants,
                sources: sources.service,
                ingestion,
                logger,
                ownerRef: options.demo.ownerRef,
                settings: sources.settings.demo,
              });
            }
            if (billing.settings.enabled) {
              await seedDemoBilling({
                knex,
                runner: billing.runner,
                timeZone: billing.settings.timeZone,
                settleDelayMs: billing.settings.settleDelayMs,
                logger,
              });
            }
          }
        });
      },
    });
  },
});
