import knexFactory from 'knex';
import { LocalEmbeddingProvider } from '../../src/embeddings/LocalEmbeddingProvider';
import { chunkDocument } from '../../src/ingest/chunkDocument';
import { parseDocument } from '../../src/ingest/parseDocument';
import { AskCorpus } from './askCorpus';
import { startBenchBackend } from './benchBackend';

/** Wall and CPU time of one way of getting the documents embedded. */
export interface Measured {
  ms: number;
  /** This process, every thread (the model runs in a worker thread). */
  cpuMs: number;
}

export interface ApiIngestionRun {
  documents: number;
  chunks: number;
  /** The local model embedding the documents' chunks, nothing else. */
  model: Measured;
  /** Upload through the API until every document is ready. */
  api: Measured;
  problems: string[];
}

/** Short documents: two paragraphs, about 120 words, one chunk each. */
function shortDocuments(count: number) {
  const corpus = new AskCorpus(27);
  return Array.from({ length: count }, (_, i) => ({
    title: `Note ${i + 1}`,
    text: `${corpus.chunkText()}\n\n${corpus.chunkText()}`,
  }));
}

async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ result: T } & Measured> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const spent = process.cpuUsage(cpu);
  return {
    result,
    ms: performance.now() - start,
    cpuMs: (spent.user + spent.system) / 1000,
  };
}

/**
 * API ingestion on the embedded defaults (the portal's own config without
 * a key: SQLite, the local USE-lite model) against the local model's own
 * rate on the same documents: `documents` short documents uploaded through
 * `POST /tenants/:tenantId/documents` by `uploaders` clients at once, timed
 * until every one is ready, beside the model embedding the same chunks in
 * one call (its batches, its worker thread). Same process, same run.
 */
export async function measureApiIngestion(options: {
  documents: number;
  uploaders: number;
}): Promise<ApiIngestionRun> {
  const docs = shortDocuments(options.documents);
  const problems: string[] = [];

  // The model alone, loaded and warm first.
  const model = new LocalEmbeddingProvider();
  await model.load();
  const texts: string[] = [];
  for (const doc of docs) {
    const parsed = await parseDocument(Buffer.from(doc.text), {
      contentType: 'text/plain',
    });
    texts.push(...chunkDocument(parsed).map(chunk => chunk.text));
  }
  await model.embed(texts.slice(0, 16));
  const alone = await measured(() => model.embed(texts));

  // As app-config.yaml: SQLite in memory.
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const backend = await startBenchBackend({
    knex,
    tenantId: 'bench',
    // The embedded defaults: no key, so the local model; nothing else set.
    docuchat: {},
  });
  try {
    const headers = {
      'Content-Type': 'application/json',
      Authorization: backend.authorization,
    };
    const api = await measured(async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: options.uploaders }, async () => {
          while (next < docs.length) {
            const doc = docs[next++];
            const res = await fetch(`${backend.tenantUrl}/documents`, {
              method: 'POST',
              headers,
              body: JSON.stringify(doc),
            });
            if (res.status !== 202) {
              problems.push(
                `upload of "${doc.title}": HTTP ${res.status} ${(
                  await res.text()
                ).slice(0, 200)}`,
              );
            }
          }
        }),
      );
      for (;;) {
        const res = await fetch(`${backend.tenantUrl}/documents`, {
          headers,
        });
        const { items } = (await res.json()) as {
          items: Array<{ status: string; title: string; error?: string }>;
        };
        const failed = items.filter(d => d.status === 'failed');
        for (const d of failed) {
          problems.push(`"${d.title}" failed: ${d.error}`);
        }
        if (
          failed.length > 0 ||
          items.every(d => d.status === 'ready' || d.status === 'failed')
        ) {
          return items.length;
        }
        await new Promise(resolve => setTimeout(resolve, 250));
      }
    });
    if (api.result !== docs.length) {
      problems.push(`${api.result} documents stored of ${docs.length}`);
    }
    return {
      documents: docs.length,
      chunks: texts.length,
      model: alone,
      api,
      problems,
    };
  } finally {
    await backend.stop();
    await knex.destroy();
  }
}
