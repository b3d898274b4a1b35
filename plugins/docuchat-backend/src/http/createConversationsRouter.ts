import { NotFoundError } from '@backstage/errors';
import {
  answerFeedbackSchema,
  ConversationListResponse,
  docuchatChatPermission,
  renameConversationRequestSchema,
} from '@docuchat/backstage-plugin-docuchat-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  ConversationOwner,
  ConversationStore,
} from '../database/ConversationStore';
import { Callers } from './Callers';
import { idSchema, parseInput } from './parseInput';

/** What {@link createConversationsRouter} needs. */
export interface ConversationsRouterOptions {
  callers: Callers;
  conversations: ConversationStore;
  /** Counts stored ratings (`docuchat_answer_feedback_total`). */
  feedbackCounter: AnswerFeedbackCounter;
}

/** Where ratings of answers are counted; DocuchatMetrics in the plugin. */
export interface AnswerFeedbackCounter {
  countAnswerFeedback(tenantId: string, rating: 'up' | 'down'): void;
}

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The previous page's last `updatedAt`. */
  before: z
    .string()
    .datetime({ offset: true })
    .transform(value => new Date(value))
    .optional(),
  /** Only titles containing this text, ignoring case. */
  q: z.string().trim().max(200).optional(),
});

/**
 * The caller's stored conversations in a tenant: list (and search by title),
 * read, rename, delete, and rate an answer. Mount it
 * on the plugin's router; paths start at `/tenants/:tenantId/conversations`.
 *
 * Conversations belong to users, so other backend plugins (service
 * principals) get 403 here. Tenants the user may not read answer 404 (403
 * without `docuchat.chat`), and another user's conversation 404, so neither
 * leaks that it exists.
 */
export function createConversationsRouter(
  options: ConversationsRouterOptions,
): express.Router {
  const { callers, conversations } = options;
  const router = Router();
  // Rename and feedback bodies; a no-op when the parent already parsed JSON.
  router.use(express.json());

  const ownerOf = async (req: express.Request): Promise<ConversationOwner> => {
    // Conversations are the user's chats with the tenant's documents.
    const { tenant, credentials } = await callers.tenant(
      req,
      docuchatChatPermission,
      {
        usersOnly:
          'Conversations belong to signed-in users; service principals have none',
      },
    );
    return {
      tenantId: tenant.id,
      userRef: credentials.principal.userEntityRef,
    };
  };
  const conversationIdOf = (req: express.Request) =>
    parseInput(idSchema, req.params.conversationId, 'conversationId');
  const notFound = (id: string) =>
    new NotFoundError(`Conversation ${id} not found`);
  const messageIdOf = (req: express.Request) =>
    parseInput(idSchema, req.params.messageId, 'messageId');

  router.get('/tenants/:tenantId/conversations', async (req, res) => {
    const owner = await ownerOf(req);
    const query = parseInput(listQuerySchema, req.query, 'conversation query');
    const body: ConversationListResponse = {
      items: await conversations.list(owner, query),
    };
    res.json(body);
  });

  router.get(
    '/tenants/:tenantId/conversations/:conversationId',
    async (req, res) => {
      const owner = await ownerOf(req);
      const id = conversationIdOf(req);
      const conversation = await conversations.get(owner, id);
      if (!conversation) throw notFound(id);
      res.json(conversation);
    },
  );

  router.patch(
    '/tenants/:tenantId/conversations/:conversationId',
    async (req, res) => {
      const owner = await ownerOf(req);
      const id = conversationIdOf(req);
      const { title } = parseInput(
        renameConversationRequestSchema,
        req.body,
        'conversation',
      );
      const renamed = await conversations.rename(owner, id, title);
      if (!renamed) throw notFound(id);
      res.json(renamed);
    },
  );

  router.put(
    '/tenants/:tenantId/conversations/:conversationId/messages/:messageId/feedback',
    async (req, res) => {
      const owner = await ownerOf(req);
      const id = conversationIdOf(req);
      const messageId = messageIdOf(req);
      const feedback = parseInput(answerFeedbackSchema, req.body, 'feedback');
      if (!(await conversations.setFeedback(owner, id, messageId, feedback))) {
        throw new NotFoundError(
          `Answer ${messageId} not found in conversation ${id}`,
        );
      }
      // Counted only once stored: the tenant exists and the answer is real.
      options.feedbackCounter.countAnswerFeedback(
        owner.tenantId,
        feedback.rating,
      );
      res.json(feedback);
    },
  );

  router.delete(
    '/tenants/:tenantId/conversations/:conversationId',
    async (req, res) => {
      const owner = await ownerOf(req);
      const id = conversationIdOf(req);
      if (!(await conversations.delete(owner, id))) throw notFound(id);
      res.status(204).end();
    },
  );

  return router;
}
