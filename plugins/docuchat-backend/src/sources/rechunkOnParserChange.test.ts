import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { selectSources } from '../ask/selectSources';
import { DatabaseConversationStore } from '../database/DatabaseConversationStore';
import { DatabaseUsageLedger } from '../usage/DatabaseUsageLedger';
import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from '../database/__testUtils__/testDatabases';
import { OpenAiEmbeddingProvider } from '../embeddings/OpenAiEmbeddingProvider';
import { PARSER_VERSION } from '../ingest/parserVersion';
import { UsageMeter } from '../usage/UsageMeter';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { createRetrievalServices } from './createRetrievalServices';
import { readOptions } from '../readOptions';

const RUNBOOK = [
  '# Backups',
  '',
  'Backups are kept for thirty days and are taken every night at two',
  'o’clock, before the billing run starts.',
  '',
  '- Restore with the restore runbook.',
  '- Check the row counts afterwards.',
].join('\n');

/**
 * A stored document chunked by an older parser is parsed, chunked and
 * embedded again once at start-up (IngestionService.resume), like a change
 * of embedding model; that work is metered but not billable, and stored
 * conversations keep their citations readable.
 */
// Parsing starts a parser worker thread on the first document.
jest.setTimeout(30_000);

describe('re-chunking when the parser version changes', () => {
  const databases = createEveryTestDatabase();
  let server: OpenAiTestServer;

  beforeAll(async () => {
    server = await startOpenAiTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it.each(databases.eachSupportedId())(
    're-chunks once, unbilled, and old citations stay readable on %p',
    async databaseId => {
      const knex = await migratedDatabaseWithTenants(databases, databaseId, [
        'acme',
      ]);
      const logger = mockServices.logger.mock();
      const embeddings = new OpenAiEmbeddingProvider({
        apiKey: 'k',
        baseURL: server.baseURL,
        dimensions: 8,
        maxRetries: 0,
      });
      const meter = new UsageMeter({
        ledger: new DatabaseUsageLedger(knex),
        logger,
      });
      const { ingestion, search } = await createRetrievalServices({
        knex,
        embeddings,
        meter,
        logger,
        settings: readOptions(new ConfigReader({})),
      });
      const { document } = await ingestion.submit('acme', {
        title: 'Runbook',
        contentType: 'text/markdown',
        content: Buffer.from(RUNBOOK),
      });
      await ingestion.whenIdle();

      // A conversation that cites the chunk as it is now.
      const conversations = new DatabaseConversationStore(knex);
      const owner = { tenantId: 'acme', userRef: 'user:default/ana' };
      const hits = await search.search('acme', 'backups kept', 3, 'fulltext');
      const citations = selectSources(hits, 0.35).map(s => s.citation);
      expect(citations).not.toHaveLength(0);
      const { id: conversationId } = await conversations.create(owner, {
        title: 'How long are backups kept?',
      });
      await conversations.appendTurn(owner, conversationId, {
        question: 'How long are backups kept?',
        answer: 'Thirty days [1].',
        citations,
        model: 'local:extractive',
        requestId: 'r1',
      });

      // As if an older parser had made the chunks.
      await knex('docuchat_documents')
        .where({ id: document.id })
        .update({ parser_version: PARSER_VERSION - 1 });
      const chunkIdsBefore = (
        await knex('docuchat_chunks').where({ document_id: document.id })
      ).map(row => row.id);

      await ingestion.resume();
      await ingestion.whenIdle();

      const row = await knex('docuchat_documents')
        .where({ id: document.id })
        .first();
      expect(row).toMatchObject({ status: 'ready' });
      expect(Number(row.parser_version)).toBe(PARSER_VERSION);
      const chunks = await knex('docuchat_chunks')
        .where({ document_id: document.id })
        .orderBy('ordinal');
      expect(chunks.map(c => c.id)).not.toEqual(chunkIdsBefore);
      expect(chunks[0].text).toContain(
        'every night at two o’clock, before the billing run starts.',
      );
      expect(JSON.parse(chunks[0].blocks).map((b: any) => b.kind)).toEqual([
        'heading',
        'paragraph',
        'list-item',
        'list-item',
      ]);

      // The upload was billed; the re-chunking is maintenance.
      const ledger = await knex('docuchat_usage').where({
        document_id: document.id,
        operation: 'embedding',
      });
      expect(ledger.map(r => Boolean(r.billable)).sort()).toEqual([
        false,
        true,
      ]);

      // Once: nothing is stale any more.
      await ingestion.resume();
      await ingestion.whenIdle();
      expect(
        await knex('docuchat_usage').where({ document_id: document.id }),
      ).toHaveLength(2);

      // So is re-embedding after a change of embedding model.
      const otherModel = await createRetrievalServices({
        knex,
        embeddings: new OpenAiEmbeddingProvider({
          apiKey: 'k',
          baseURL: server.baseURL,
          dimensions: 16,
          maxRetries: 0,
        }),
        meter,
        logger,
        settings: readOptions(new ConfigReader({})),
      });
      await otherModel.ingestion.resume();
      await otherModel.ingestion.whenIdle();
      const rows = await knex('docuchat_usage').where({
        document_id: document.id,
        operation: 'embedding',
      });
      expect(rows.filter(r => r.model !== embeddings.model)).toEqual([
        expect.objectContaining({
          model: expect.stringMatching(/16/),
          billable: expect.anything(),
        }),
      ]);
      expect(
        rows
          .filter(r => r.model !== embeddings.model)
          .map(r => Boolean(r.billable)),
      ).toEqual([false]);

      // The stored citation still names and shows what it quoted.
      const stored = await conversations.get(owner, conversationId);
      const answer = stored!.messages.find(m => m.role === 'assistant')!;
      expect(answer.citations).toEqual(citations);
      expect(answer.citations![0]).toMatchObject({
        documentTitle: 'Runbook',
        headingPath: ['Backups'],
        snippet: expect.stringContaining('Backups are kept for thirty days'),
      });
    },
  );
});
