import { AuditorService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ChunkPassage,
  createTextDocumentRequestSchema,
  docuchatChatPermission,
  docuchatDocumentsManagePermission,
  Tenant,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import multer from 'multer';
import { DocumentStore } from '../database/DocumentStore';
import { PayloadTooLargeError } from '../ingest/errors';
import { TenantLimits } from '../limits/TenantLimits';
import { IngestionService, Upload } from '../sources/IngestionService';
import { audited } from './audited';
import { Callers } from './Callers';
import { idSchema, parseInput } from './parseInput';

/** What {@link createDocumentsRouter} needs. */
export interface DocumentsRouterOptions {
  callers: Callers;
  documents: DocumentStore;
  ingestion: IngestionService;
  limits: TenantLimits;
  auditor: AuditorService;
  maxUploadBytes: number;
}

/**
 * A tenant's documents: list, upload (multipart or JSON text; ingested in
 * the background), read, delete, reindex, and the whole passage behind a
 * citation. Changes need `docuchat.documents.manage` and are audited.
 */
export function createDocumentsRouter(
  options: DocumentsRouterOptions,
): express.Router {
  const { callers, documents, ingestion, limits, auditor } = options;
  const { maxUploadBytes } = options;
  const router = Router();

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

  const documentIn = async (tenant: Tenant, documentId: string) => {
    parseInput(idSchema, documentId, 'documentId');
    const document = await documents.get(tenant.id, documentId);
    if (!document) {
      throw new NotFoundError(`Document ${documentId} not found`);
    }
    return document;
  };
  // A source's documents follow the source: its sync changes them.
  const requireUploaded = (document: { id: string; origin?: unknown }) => {
    if (document.origin) {
      throw new ConflictError(
        `Document ${document.id} belongs to a source and is read only; sync or delete the source instead`,
      );
    }
  };

  router.get('/tenants/:tenantId/documents', async (req, res) => {
    const { tenant } = await callers.tenant(req);
    res.json({ items: await documents.list(tenant.id) });
  });

  router.post('/tenants/:tenantId/documents', receiveFile, async (req, res) => {
    const { tenant } = await callers.tenant(
      req,
      docuchatDocumentsManagePermission,
    );
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
    const { tenant } = await callers.tenant(req);
    res.json(await documentIn(tenant, req.params.documentId));
  });

  router.delete(
    '/tenants/:tenantId/documents/:documentId',
    async (req, res) => {
      const { tenant } = await callers.tenant(
        req,
        docuchatDocumentsManagePermission,
      );
      const { documentId } = req.params;
      requireUploaded(await documentIn(tenant, documentId));
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
      const { tenant } = await callers.tenant(
        req,
        docuchatDocumentsManagePermission,
      );
      await limits.checkBudget(tenant);
      const document = await documentIn(tenant, req.params.documentId);
      requireUploaded(document);
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
    const { tenant } = await callers.tenant(req, docuchatChatPermission);
    const chunkId = parseInput(idSchema, req.params.chunkId, 'chunkId');
    const [chunk] = await documents.getChunks(tenant.id, [chunkId]);
    if (!chunk) throw new NotFoundError(`Passage ${chunkId} not found`);
    const body: ChunkPassage = {
      chunkId: chunk.id,
      documentId: chunk.documentId,
      documentTitle: chunk.documentTitle,
      headingPath: chunk.headingPath,
      text: chunk.text,
      ...(chunk.sourceUrl && { sourceUrl: chunk.sourceUrl }),
    };
    res.json(body);
  });

  return router;
}
