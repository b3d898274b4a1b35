import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DatabaseUsageLedger } from './DatabaseUsageLedger';
import { migratedDatabaseWithTenants } from '../database/__testUtils__/testDatabases';
import { OpenAiEmbeddingProvider } from '../embeddings/OpenAiEmbeddingProvider';
import { DocuchatMetrics } from '../metrics/DocuchatMetrics';
import { valueOf } from '../metrics/__testUtils__/samples';
import { createRetrievalServices } from '../sources/createRetrievalServices';
import { readOptions } from '../readOptions';
import {
  behaviours,
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { UsageMeter } from './UsageMeter';

const EMBEDDINGS = 'POST /v1/embeddings';

/**
 * Both paths that call the embedding model, questions and ingestion, with
 * the real OpenAI SDK against the test server: a call that answers is a
 * ledger row and a success, one that fails is no row and an error.
 */
describe('embedding metering', () => {
  // SQLite only: the ledger and stores are tested on every database
  // elsewhere; this is about what the two callers record.
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let server: OpenAiTestServer;

  beforeEach(async () => {
    server = await startOpenAiTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  async function setUp() {
    const knex = await migratedDatabaseWithTenants(databases, 'SQLITE_3', [
      'acme',
    ]);
    const metrics = new DocuchatMetrics();
    const logger = mockServices.logger.mock();
    const embeddings = new OpenAiEmbeddingProvider({
      apiKey: 'k',
      baseURL: server.baseURL,
      dimensions: 8,
      maxRetries: 0,
    });
    const meter = new UsageMeter({
      ledger: new DatabaseUsageLedger(knex),
      counters: metrics,
      logger,
    });
    const { ingestion, documents, queryEmbedder } =
      await createRetrievalServices({
        knex,
        embeddings,
        meter,
        logger,
        settings: readOptions(new ConfigReader({})),
      });
    const ingest = async (text: string) => {
      const { document } = await ingestion.submit('acme', {
        title: 'Runbook',
        contentType: 'text/plain',
        content: Buffer.from(text, 'utf8'),
      });
      await ingestion.whenIdle();
      return documents.get('acme', document.id);
    };
    const requests = async (outcome: 'success' | 'error') =>
      valueOf((await metrics.render()).body, 'openai_request_total', {
        model: embeddings.model,
        operation: 'embedding',
        outcome,
      }) ?? 0;
    const ledger = () => knex('docuchat_usage');
    return { queryEmbedder, ingest, requests, ledger };
  }

  it('meters a question embedding and counts it a success', async () => {
    const { queryEmbedder, requests, ledger } = await setUp();

    await queryEmbedder.embed('backups?', {
      tenantId: 'acme',
      requestId: 'q1',
    });

    expect((await ledger()).map(row => row.request_id)).toEqual(['q1']);
    expect(await requests('success')).toBe(1);
    expect(await requests('error')).toBe(0);
  });

  it('counts a failed question embedding as an error and settles its row at zero', async () => {
    const { queryEmbedder, requests, ledger } = await setUp();
    server.script(EMBEDDINGS, behaviours.serverError());

    await expect(
      queryEmbedder.embed('backups?', { tenantId: 'acme', requestId: 'q2' }),
    ).rejects.toThrow();

    expect(await ledger()).toEqual([
      expect.objectContaining({
        request_id: 'q2',
        status: 'settled',
        prompt_tokens: 0,
      }),
    ]);
    expect(await requests('error')).toBe(1);
    expect(await requests('success')).toBe(0);
  });

  it("meters ingestion's embedding calls against the document", async () => {
    const { ingest, requests, ledger } = await setUp();

    const document = await ingest('Backups are kept for thirty days.');

    expect(document?.status).toBe('ready');
    const rows = await ledger();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tenant_id: 'acme',
      operation: 'embedding',
      document_id: document?.id,
    });
    expect(await requests('success')).toBe(1);
  });

  it('counts a failed ingestion embedding as an error, bills nothing and fails the document', async () => {
    const { ingest, requests, ledger } = await setUp();
    server.script(EMBEDDINGS, behaviours.serverError());

    const document = await ingest('Backups are kept for thirty days.');

    expect(document?.status).toBe('failed');
    expect(await ledger()).toEqual([
      expect.objectContaining({ status: 'settled', prompt_tokens: 0 }),
    ]);
    expect(await requests('error')).toBe(1);
    expect(await requests('success')).toBe(0);
  });

  it('writes the row before an ingestion embedding call, so a crash during it is still billed', async () => {
    const { ingest, ledger } = await setUp();
    server.script(EMBEDDINGS, behaviours.respond({ delayMs: 1500 }));

    const ingested = ingest('Backups are kept for thirty days.');
    let pending: any[] = [];
    for (let i = 0; i < 100 && pending.length === 0; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
      pending = await ledger().where({ status: 'pending' });
    }
    // While the provider works: pending, with the locally counted tokens
    // that the sweep bills as estimated if this process dies now.
    expect(pending).toEqual([
      expect.objectContaining({ operation: 'embedding', estimated: 1 }),
    ]);
    expect(pending[0].prompt_tokens).toBeGreaterThan(0);

    expect((await ingested)?.status).toBe('ready');
    const [settled] = await ledger();
    expect(settled).toMatchObject({
      request_id: pending[0].request_id,
      status: 'settled',
      estimated: 0,
    });
    expect(server.requestsTo(EMBEDDINGS)).toHaveLength(1);
  });
});
