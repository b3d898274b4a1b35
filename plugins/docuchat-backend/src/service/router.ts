import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  askRequestSchema,
  createTenantRequestSchema,
  createTextDocumentRequestSchema,
  DocuchatCapability,
  HealthResponse,
  SearchResponse,
  updateTenantRequestSchema,
} from '@internal/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import multer from 'multer';
import { z } from 'zod';
import { DocumentStore } from '../database/DocumentStore';
import { TenantStore } from '../database/TenantStore';
import { AskService } from '../ask/AskService';
import { PayloadTooLargeError } from '../ingest/errors';
import { HybridSearch } from '../search/HybridSearch';
import { IngestionService, Upload } from './IngestionService';
import { createConversationsRouter } from './createConversationsRouter';
import { ConversationStore } from '../database/ConversationStore';
import { UsageLedger } from '../database/UsageLedger';
import { createUsageRouter } from '../usage/createUsageRouter';
import { UsagePricing } from '../usage/UsagePricing';
import { respondToAsk } from './respondToAsk';
import { Caller, TenantAccess } from './TenantAccess';
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
  ledger: UsageLedger;
  pricing: UsagePricing;
  maxUploadBytes: number;
  /** Tenant and document changes are audit events. */
  auditor: AuditorService;
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

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, tenants, access, documents, ingestion, search, ask } =
    options;
  const { maxUploadBytes, auditor } = options;
  const router = Router();
  // JSON uploads carry a whole document; body-parser answers 413 above this.
  router.use(express.json({ limit: maxUploadBytes + 64 * 1024 }));

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
  const tenantOf = async (req: express.Request) =>
    access.requireTenant(await callerOf(req), req.params.tenantId);
  const documentOf = async (req: express.Request) => {
    const tenant = await tenantOf(req);
    const document = await documents.get(tenant.id, req.params.documentId);
    if (!document) {
      throw new NotFoundError(`Document ${req.params.documentId} not found`);
    }
    return document;
  };

  router.get('/health', (_req, res) => {
    const body: HealthResponse = {
      status: 'ok',
      capabilities: options.capabilities,
    };
    res.json(body);
  });

  router.get('/tenants', async (req, res) => {
    const credentials = await callerOf(req);
    res.json({ items: await access.visibleTenants(credentials) });
  });

  router.post('/tenants', async (req, res) => {
    const credentials = await callerOf(req);
    await access.requireAdmin(credentials);
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
    await access.requireAdmin(credentials);
    const request = parseInput(updateTenantRequestSchema, req.body, 'tenant');
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
    const tenant = await tenantOf(req);
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
      const tenant = await tenantOf(req);
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
      const document = await documentOf(req);
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

  router.get('/tenants/:tenantId/search', async (req, res) => {
    const credentials = await callerOf(req);
    const tenant = await access.requireTenant(credentials, req.params.tenantId);
    const { q, k, mode } = parseInput(
      searchQuerySchema,
      req.query,
      'search query',
    );
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
    const tenant = await access.requireTenant(credentials, req.params.tenantId);
    const request = parseInput(askRequestSchema, req.body, 'question');
    await respondToAsk(
      ask,
      { tenantId: tenant.id, userRef: userRefOf(credentials), request },
      res,
    );
  });

  router.use(
    createConversationsRouter({
      httpAuth,
      access,
      conversations: options.conversations,
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

  return router;
}
