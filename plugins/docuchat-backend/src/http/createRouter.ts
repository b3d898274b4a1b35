import {
  AuditorService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  DocuchatCapability,
  HealthResponse,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import { AskService } from '../ask/AskService';
import { BillingRunner } from '../billing/BillingRunner';
import { PaymentService } from '../billing/PaymentService';
import { BillingRunStore } from '../database/BillingRunStore';
import { ConversationStore } from '../database/ConversationStore';
import { DatabasePassageStore } from '../database/DatabasePassageStore';
import { DocumentStore } from '../database/DocumentStore';
import { InvoiceStore } from '../database/InvoiceStore';
import { TenantStore } from '../database/TenantStore';
import { BodyTooLargeError } from '../limits/BodyTooLargeError';
import { LimitExceededError } from '../limits/LimitExceededError';
import { TenantLimits } from '../limits/TenantLimits';
import { DocuchatMetrics } from '../metrics/DocuchatMetrics';
import { MetricsAccess } from '../metrics/readMetricsConfig';
import { TenantAccess } from '../permissions/TenantAccess';
import { HybridSearch } from '../search/HybridSearch';
import { IngestionService } from '../sources/IngestionService';
import { ReembedMaintenance } from '../sources/ReembedMaintenance';
import { SourceSyncService } from '../sources/SourceSyncService';
import { UsageLedger } from '../usage/UsageLedger';
import { UsagePricing } from '../usage/UsagePricing';
import { Callers } from './Callers';
import { createAskRouter } from './createAskRouter';
import { createBillingRouter } from './createBillingRouter';
import { createConversationsRouter } from './createConversationsRouter';
import { createDocumentsRouter } from './createDocumentsRouter';
import { createMaintenanceRouter } from './createMaintenanceRouter';
import { createMetricsRouter } from './createMetricsRouter';
import { createSourcesRouter } from './createSourcesRouter';
import { createTenantsRouter } from './createTenantsRouter';
import { createUsageRouter } from './createUsageRouter';
import { isDatabaseUnreachable } from './databaseUnreachable';
import { createHttpMetricsMiddleware } from './httpMetricsMiddleware';
import { rejectNulCharacters } from './rejectNulCharacters';

/** How long a caller waits before retrying while the database is away. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Everything the DocuChat API serves, as plugin.ts wires it. */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  access: TenantAccess;
  /** Tenant, document and billing changes are audit events. */
  auditor: AuditorService;
  metrics: DocuchatMetrics;
  /** Who may scrape `GET /metrics` (`docuchat.metrics`). */
  metricsAccess: MetricsAccess;
  tenants: TenantStore;
  documents: DocumentStore;
  ingestion: IngestionService;
  search: HybridSearch;
  ask: AskService;
  conversations: ConversationStore;
  ledger: UsageLedger;
  pricing: UsagePricing;
  limits: TenantLimits;
  billing: {
    invoices: InvoiceStore;
    runs: BillingRunStore;
    runner: BillingRunner;
    payments: PaymentService;
    /** The days of usage series unless a query names a zone. */
    timeZone: string;
  };
  maxUploadBytes: number;
  /** Largest JSON body of every route but document uploads. */
  maxBodyBytes: number;
  /** What `GET /health` lists. */
  capabilities: DocuchatCapability[];
  /** The embedding model documents are embedded with (maintenance estimates). */
  embeddingModel: string;
  /** Tenants' sources (TechDocs, catalog) and the passages search reads. */
  sources: SourceSyncService;
  passages: DatabasePassageStore;
}

/**
 * The DocuChat API under /api/docuchat: every route is mounted here, in
 * this order: request timing (the metrics scrape included), the scrape,
 * body parsing (and the NUL check), the routers of each concern, and the
 * error hooks.
 */
export function createRouter(options: RouterOptions): express.Router {
  const { auditor, limits, logger, maxUploadBytes, maxBodyBytes } = options;
  const callers = new Callers(options.httpAuth, options.access);
  const router = Router();

  router.use(createHttpMetricsMiddleware(options.metrics));
  router.use(
    createMetricsRouter({
      metrics: options.metrics,
      access: options.metricsAccess,
    }),
  );

  // JSON uploads carry a whole document; every other body is small.
  // body-parser answers 413 above the limit (see the error hook below).
  const uploadJson = express.json({ limit: maxUploadBytes + 64 * 1024 });
  const smallJson = express.json({ limit: maxBodyBytes });
  router.use((req, res, next) =>
    req.method === 'POST' && /^\/tenants\/[^/]+\/documents\/?$/.test(req.path)
      ? uploadJson(req, res, next)
      : smallJson(req, res, next),
  );
  router.use(rejectNulCharacters);

  router.get('/health', (_req, res) => {
    const body: HealthResponse = {
      status: 'ok',
      capabilities: options.capabilities,
    };
    res.json(body);
  });
  router.use(
    createTenantsRouter({ callers, tenants: options.tenants, auditor }),
  );
  router.use(
    createDocumentsRouter({
      callers,
      documents: options.documents,
      ingestion: options.ingestion,
      limits,
      auditor,
      maxUploadBytes,
    }),
  );
  router.use(
    createAskRouter({
      callers,
      search: options.search,
      ask: options.ask,
      limits,
    }),
  );
  router.use(
    createConversationsRouter({
      callers,
      conversations: options.conversations,
      feedbackCounter: options.metrics,
    }),
  );
  router.use(
    createSourcesRouter({
      callers,
      sources: options.sources,
      passages: options.passages,
      limits,
      auditor,
    }),
  );
  router.use(
    createUsageRouter({
      callers,
      ledger: options.ledger,
      pricing: options.pricing,
      timeZone: options.billing.timeZone,
    }),
  );
  router.use(createBillingRouter({ callers, auditor, ...options.billing }));
  router.use(
    createMaintenanceRouter({
      callers,
      auditor,
      maintenance: new ReembedMaintenance({
        documents: options.documents,
        ingestion: options.ingestion,
        pricing: options.pricing,
        embeddingModel: options.embeddingModel,
      }),
    }),
  );

  // Backstage's error handler writes the body but no headers.
  const errorHooks: express.ErrorRequestHandler = (error, _req, res, next) => {
    if (error instanceof LimitExceededError) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
    } else if (error?.type === 'entity.too.large') {
      // body-parser's own message says nothing about the limit.
      next(new BodyTooLargeError(error.limit));
      return;
    } else if (isDatabaseUnreachable(error)) {
      // A 503 to retry, not a 500 whose body names the database's address
      // (Backstage's handler filters only errors the database answered).
      logger.error('DocuChat could not reach its database', error);
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      next(
        new ServiceUnavailableError(
          'DocuChat cannot reach its database right now; try again in a few seconds',
        ),
      );
      return;
    }
    next(error);
  };
  router.use(errorHooks);

  return router;
}
