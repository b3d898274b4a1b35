import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import { docuchatChatPermission } from '@docuchat/backstage-plugin-docuchat-common';
import { AskService } from '../ask/AskService';
import { TenantLimits } from '../limits/TenantLimits';
import { HybridSearch } from '../search/HybridSearch';
import { Caller, TenantAccess } from '../permissions/TenantAccess';

/**
 * `docuchat:search` and `docuchat:ask` in Backstage's actions registry, so
 * MCP clients of the portal can use DocuChat. Each call goes through the
 * same checks as the HTTP routes (`docuchat.chat` on the tenant, decided by
 * the permission policy; the rate limit and daily budget), and answers are
 * metered to the tenant like any other.
 */
export function registerDocuchatActions(options: {
  actionsRegistry: ActionsRegistryService;
  access: TenantAccess;
  search: HybridSearch;
  ask: AskService;
  limits: TenantLimits;
}) {
  const { actionsRegistry, access, search, ask, limits } = options;

  const tenantFor = async (credentials: BackstageCredentials, id: string) => {
    const type = (credentials.principal as { type?: string }).type;
    if (type !== 'user' && type !== 'service') {
      throw new NotAllowedError('DocuChat actions need a signed-in caller');
    }
    return access.requireTenant(
      credentials as Caller,
      id,
      docuchatChatPermission,
    );
  };
  const userRefOf = (credentials: BackstageCredentials) => {
    const principal = credentials.principal as Caller['principal'];
    return principal.type === 'user' ? principal.userEntityRef : undefined;
  };

  actionsRegistry.register({
    name: 'search',
    title: 'Search DocuChat documents',
    description:
      "Finds the passages of a DocuChat tenant's documents that best match a query (hybrid BM25 and vector search). Returns the passages with their document titles and headings.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          tenantId: z.string().describe('The DocuChat tenant id, e.g. acme'),
          query: z.string().min(1).describe('What to look for'),
          k: z.number().int().min(1).max(50).default(5),
        }),
      output: z =>
        z.object({
          hits: z.array(
            z.object({
              chunkId: z.string(),
              documentId: z.string(),
              documentTitle: z.string(),
              headingPath: z.array(z.string()),
              text: z.string(),
              score: z.number(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const tenant = await tenantFor(credentials, input.tenantId);
      await limits.checkBudget(tenant);
      const hits = await search.search(
        tenant.id,
        input.query,
        input.k,
        'hybrid',
        {
          userRef: userRefOf(credentials),
        },
      );
      return {
        output: {
          hits: hits.map(hit => ({
            chunkId: hit.chunkId,
            documentId: hit.documentId,
            documentTitle: hit.documentTitle,
            headingPath: hit.headingPath,
            text: hit.text,
            score: hit.score,
          })),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'ask',
    title: 'Ask DocuChat',
    description:
      "Answers a question from a DocuChat tenant's documents, citing them as [n]. Says so when the documents do not cover the question. Billed to the tenant.",
    // Writes a usage row, but changes nothing the caller could undo.
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          tenantId: z.string().describe('The DocuChat tenant id, e.g. acme'),
          question: z.string().min(1).max(4000),
          k: z.number().int().min(1).max(20).optional(),
        }),
      output: z =>
        z.object({
          answer: z.string(),
          model: z.string(),
          citations: z.array(
            z.object({
              n: z.number(),
              documentTitle: z.string(),
              headingPath: z.array(z.string()),
              snippet: z.string(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const tenant = await tenantFor(credentials, input.tenantId);
      const response = await ask.ask({
        tenantId: tenant.id,
        userRef: userRefOf(credentials),
        request: { question: input.question, k: input.k },
        signal: new AbortController().signal,
        // MCP clients keep their own context; no portal conversation.
        keepConversation: false,
        admit: batch => limits.beforeAsk(tenant, batch),
      });
      return {
        output: {
          answer: response.answer,
          model: response.model,
          citations: response.citations.map(c => ({
            n: c.n,
            documentTitle: c.documentTitle,
            headingPath: c.headingPath,
            snippet: c.snippet,
          })),
        },
      };
    },
  });
}
