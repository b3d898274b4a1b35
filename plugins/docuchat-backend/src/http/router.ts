import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  askRequestSchema,
  ChunkPassage,
  createTenantRequestSchema,
  createTextDocumentRequestSchema,
  docuchatChatPermission,
  docuchatDocumentsManagePermission,
  DocuchatCapability,
  DocuchatTenantPermission,
  docuchatTenantCreatePermission,
  docuchatTenantUpdatePermission,
  HealthResponse,
  SearchResponse,
  Tenant,
  updateTenantRequestSchema,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import multer from 'multer';
import { z } from 'zod';
import { DocumentStore } from '../database/DocumentStore';
import { TenantStore } from '../database/TenantStore';
import { AskService } from '../ask/AskService';
import { PayloadTooLargeError } from '../ingest/errors';
import { BodyTooLargeError } from '../limits/BodyTooLargeError';
import { LimitExceededError } from '../limits/LimitExceededError';
import { TenantLimits } from '../limits/TenantLimits';
import { HybridSearch } from '../search/HybridSearch';
import { IngestionService, Upload } from '../sources/IngestionService';
import {
  AnswerFeedbackCounter,
  createConversationsRouter,
} from './createConversationsRouter';
import { ConversationStore } from '../database/ConversationStore';
import { UsageLedger } from '../usage/UsageLedger';
import { createUsageRouter } from './createUsageRouter';
import { UsagePricing } from '../usage/UsagePricing';
import { respondToAsk } from './respondToAsk';
import { Caller, TenantAccess } from '../permissions/TenantAccess';
import { parseInput } from './parseInput';
import { audited } from './audited';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  tenants: TenantStore;
  access: TenantAccess;
  documents: DocumentStore;
  ingestion: IngestionService;
  search: HybridSearch;
  ask: AskService;
  conversations: ConversationStore;
  feedbackCounter: AnswerFeedbackCounter;
  ledger: UsageLedger;
  pricing: UsagePricing;
  maxUploadBytes: number;
  /** Tenant and document changes are audit events. */
  auditor: AuditorService;
  /** Largest JSON body of every route but document uploads. */
  maxBodyBytes: number;
  limits: TenantLimits;
  /** The billing timezone: the days of usage series unless a query names one. */
  billingTimeZone: string;
  /** What `GET /health` lists. */
  capabilities: DocuchatCapability[];
}

const searchQuerySchema = z.object({
  q: z.string().trim().min(1, 'is required'),
  k: z.coerce.number().int().min(1).max(100).default(10),
  mode: z.enum(['hybrid', 'vector', 'fulltext']).default('hybrid'),
});

const chunkIdSchema = z.string().uuid('must be a UUID');

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, tenants, access, documents, ingestion, search, ask } =
    options;
  const { maxUploadBytes, maxBodyBytes, limits, auditor } = options;
  const router = Router();
  // JSON uploads carry a whole document; every other body is small.
  // body-parser answers 413 above the limit (see the error hook below).
  const uploadJson = express.json({ limit: maxUploadBytes + 64 * 1024 });
  const smallJson = express.json({ limit: maxBodyBytes });
  router.use((req, res, next) =>
    req.method === 'POST' && /^\/tenants\/[^/]+\/documents\/?$/.test(req.path)
      ? uploadJson(req, res, next)
      : smallJson(req, res, next),
  );

  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxUploadBytes, files: 1 },
  }).single('file');
  const receiveFile: express.RequestHandler = (req, res, next) =>
    // @types/multer brings its own copy of the express types; same objects.
    upload(req as any, res as any, error => {
      if (error instanceof multer.MulterError) {
        if (error.code === 'LIMIT_FILE_SIZE') {
          next(new PayloadTooLargeError(undefined, maxUploadBytes));
        } else {
          next(new InputError(`Invalid upload: ${error.message}`));
        }
        return;
      }
      next(error);
    });

  // Users and other backend plugins; anonymous callers get 401 here.
  const callerOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  const userRefOf = (credentials: Caller) =>
    credentials.principal.type === 'user'
      ? credentials.principal.userEntityRef
      : undefined;
  const tenantOf = async (
    req: express.Request,
    permission?: DocuchatTenantPermission,
  ) =>
    access.requireTenant(await callerOf(req), req.params.tenantId, permission);
  const documentIn = async (tenant: Tenant, documentId: string) => {
    const document = await documents.get(tenant.id, documentId);
    if (!document) {
      throw new NotFoundError(`Document ${documentId} not found`);
    }
    return document;
  };
  const documentOf = async (req: express.Request) =>
    documentIn(await tenantOf(req), req.params.documentId);

  router.get('/health', (_req, res) => {
    const body: HealthResponse = {
      status: 'ok',
      capabilities: options.capabilities,
    };
    res.json(body);
  });

  router.get('/tenants', async (req, res) => {
    const credentials = await callerOf(req);
    res.json({ items: await access.listTenants(credentials) });
  });

  router.post('/tenants', async (req, res) => {
    const credentials = await callerOf(req);
    await access.requireBasic(credentials, docuchatTenantCreatePermission);
    const request = parseInput(createTenantRequestSchema, req.body, 'tenant');
    const tenant = await audited(
      auditor,
      {
        eventId: 'tenant-create',
        severityLevel: 'medium',
        request: req,
        meta: { tenantId: request.id, ownerRef: request.ownerRef },
      },
      () => tenants.create(request),
    );
    res.status(201).json(tenant);
  });

  router.get('/tenants/:tenantId', async (req, res) => {
    const credentials = await callerOf(req);
    res.json(await access.requireTenant(credentials, req.params.tenantId));
  });

  router.patch('/tenants/:tenantId', async (req, res) => {
    const credentials = await callerOf(req);
    await access.requireTenant(
      credentials,
      req.params.tenantId,
      docuchatTenantUpdatePermission,
    );
    const request = parseInput(updateTenantRequestSchema, req.body, 'tenant');
    // Handing a tenant to another owner, or changing what it pays or may
    // spend, is the operators' power of creating tenants, not its members'.
    if (
      request.ownerRef !== undefined ||
      request.pricePlan !== undefined ||
      request.dailyTokenBudget !== undefined
    ) {
      await access.requireBasic(credentials, docuchatTenantCreatePermission);
    }
    const tenant = await audited(
      auditor,
      {
        eventId: 'tenant-update',
        severityLevel: 'medium',
        request: req,
        // Which fields changed, not their values (contact details).
        meta: {
          tenantId: req.params.tenantId,
          fields: Object.keys(request).sort().join(','),
        },
      },
      async () => {
        const updated = await tenants.update(req.params.tenantId, request);
        if (!updated)
          throw new NotFoundError(`Tenant ${req.params.tenantId} not found`);
        return updated;
      },
    );
    res.json(tenant);
  });

  router.get('/tenants/:tenantId/documents', async (req, res) => {
    const tenant = await tenantOf(req);
    res.json({ items: await documents.list(tenant.id) });
  });

  router.post('/tenants/:tenantId/documents', receiveFile, async (req, res) => {
    const tenant = await tenantOf(req, docuchatDocumentsManagePermission);
    await limits.checkBudget(tenant);
    const submit = (file: Upload) =>
      audited(
        auditor,
        {
          eventId: 'document-upload',
          severityLevel: 'medium',
          request: req,
          meta: {
            tenantId: tenant.id,
            contentType: file.contentType,
            sizeBytes: file.content.length,
          },
        },
        () => ingestion.submit(tenant.id, file),
        ({ document, created }) => ({
          documentId: document.id,
          duplicate: !created,
        }),
      );

    let result;
    if (req.file) {
      result = await submit({
        title: typeof req.body?.title === 'string' ? req.body.title : undefined,
        fileName: req.file.originalname,
        contentType: req.file.mimetype,
        content: req.file.buffer,
      });
    } else if (req.is('application/json')) {
      const body = parseInput(
        createTextDocumentRequestSchema,
        req.body,
        'document',
      );
      result = await submit({
        title: body.title,
        contentType: body.contentType ?? 'text/plain',
        content: Buffer.from(body.text, 'utf8'),
      });
    } else {
      throw new InputError(
        'Send the document as multipart/form-data with a "file" field, or as JSON { title, text }',
      );
    }
    // 202: accepted for background ingestion; 200: the same content exists.
    res
      .status(result.created ? 202 : 200)
      .json({ ...result.document, duplicate: !result.created });
  });

  router.get('/tenants/:tenantId/documents/:documentId', async (req, res) => {
    res.json(await documentOf(req));
  });

  router.delete(
    '/tenants/:tenantId/documents/:documentId',
    async (req, res) => {
      const tenant = await tenantOf(req, docuchatDocumentsManagePermission);
      const { documentId } = req.params;
      await audited(
        auditor,
        {
          eventId: 'document-delete',
          severityLevel: 'medium',
          request: req,
          meta: { tenantId: tenant.id, documentId },
        },
        async () => {
          if (!(await ingestion.remove(tenant.id, documentId))) {
            throw new NotFoundError(`Document ${documentId} not found`);
          }
        },
      );
      res.status(204).end();
    },
  );

  router.post(
    '/tenants/:tenantId/documents/:documentId/reindex',
    async (req, res) => {
      const tenant = await tenantOf(req, docuchatDocumentsManagePermission);
      await limits.checkBudget(tenant);
      const document = await documentIn(tenant, req.params.documentId);
      // Any state: a stuck or running ingestion starts over from scratch.
      await audited(
        auditor,
        {
          eventId: 'document-reindex',
          severityLevel: 'medium',
          request: req,
          meta: {
            tenantId: document.tenantId,
            documentId: document.id,
            previousStatus: document.status,
          },
        },
        async () => {
          if (!(await ingestion.reindex(document.tenantId, document.id))) {
            throw new NotFoundError(`Document ${document.id} not found`);
          }
        },
      );
      res.status(202).json(await documents.get(document.tenantId, document.id));
    },
  );

  // The whole passage behind a citation; a chunk that is gone (document
  // deleted or re-ingested) is 404, and the client shows the stored snippet.
  router.get('/tenants/:tenantId/chunks/:chunkId', async (req, res) => {
    const tenant = await tenantOf(req, docuchatChatPermission);
    // PostgreSQL rejects a malformed uuid with an error of its own.
    const chunkId = parseInput(chunkIdSchema, req.params.chunkId, 'chunkId');
    const [chunk] = await documents.getChunks(tenant.id, [chunkId]);
    if (!chunk) throw new NotFoundError(`Passage ${chunkId} not found`);
    const body: ChunkPassage = {
      chunkId: chunk.id,
      documentId: chunk.documentId,
      documentTitle: chunk.documentTitle,
      headingPath: chunk.headingPath,
      text: chunk.text,
    };
    res.json(body);
  });

  router.get('/tenants/:tenantId/search', async (req, res) => {
    const credentials = await callerOf(req);
    const tenant = await access.requireTenant(
      credentials,
      req.params.tenantId,
      docuchatChatPermission,
    );
    const { q, k, mode } = parseInput(
      searchQuerySchema,
      req.query,
      'search query',
    );
    await limits.checkBudget(tenant);
    const body: SearchResponse = {
      query: q,
      k,
      hits: await search.search(tenant.id, q, k, mode, {
        userRef: userRefOf(credentials),
      }),
    };
    res.json(body);
  });

  router.post('/tenants/:tenantId/ask', async (req, res) => {
    const credentials = await callerOf(req);
    const tenant = await access.requireTenant(
      credentials,
      req.params.tenantId,
      docuchatChatPermission,
    );
    const request = parseInput(askRequestSchema, req.body, 'question');
    await respondToAsk(
      ask,
      {
        tenantId: tenant.id,
        userRef: userRefOf(credentials),
        request,
        // Counted with the question's first writes, in one round trip.
        admit: batch => limits.beforeAsk(tenant, batch),
      },
      res,
    );
  });

  router.use(
    createConversationsRouter({
      httpAuth,
      access,
      conversations: options.conversations,
      feedbackCounter: options.feedbackCounter,
    }),
  );
  router.use(
    createUsageRouter({
      httpAuth,
      access,
      ledger: options.ledger,
      pricing: options.pricing,
      timeZone: options.billingTimeZone,
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
    }
    next(error);
  };
  router.use(errorHooks);

  return router;
}
