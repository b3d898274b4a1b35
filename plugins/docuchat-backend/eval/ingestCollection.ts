import { DocumentStore } from '../src/database/DocumentStore';
import { TenantStore } from '../src/database/TenantStore';
import { IngestionService } from '../src/sources/IngestionService';
import { CorpusDocument } from './readBeirCollection';

export interface IngestedCollection {
  tenantId: string;
  /** DocuChat document id → corpus ids (several only for identical texts). */
  corpusIds: Map<string, string[]>;
  chunks: number;
  /** Documents DocuChat refused at upload (e.g. empty), with the reason. */
  rejected: Array<{ id: string; reason: string }>;
}

/**
 * Ingests every corpus document as one text/plain upload of a fresh tenant
 * (title as the document title; title and text as the content, the way a
 * section's heading line opens its text in the Markdown it came from),
 * through IngestionService (parse, chunk, embed, store, index), and waits
 * until the queue is empty. A document whose background ingestion fails is
 * an error: the measurement would be meaningless.
 */
export async function ingestCollection(options: {
  corpus: CorpusDocument[];
  tenants: TenantStore;
  documents: DocumentStore;
  ingestion: IngestionService;
  tenantId: string;
}): Promise<IngestedCollection> {
  const { corpus, tenants, documents, ingestion, tenantId } = options;
  await tenants.create({
    id: tenantId,
    displayName: 'Retrieval evaluation',
    ownerRef: 'group:default/docuchat-eval',
  });

  const corpusIds = new Map<string, string[]>();
  const rejected: IngestedCollection['rejected'] = [];
  for (const doc of corpus) {
    try {
      const { document } = await ingestion.submit(tenantId, {
        title: doc.title,
        contentType: 'text/plain',
        content: Buffer.from(`${doc.title}\n\n${doc.text}`, 'utf8'),
      });
      corpusIds.set(document.id, [
        ...(corpusIds.get(document.id) ?? []),
        doc.id,
      ]);
    } catch (error) {
      rejected.push({ id: doc.id, reason: (error as Error).message });
    }
  }
  await ingestion.whenIdle();

  const summaries = await documents.list(tenantId);
  const failed = summaries.filter(summary => summary.status !== 'ready');
  if (failed.length > 0) {
    const examples = failed
      .slice(0, 3)
      .map(
        s => `${corpusIds.get(s.id)?.join(',')}: ${s.status} ${s.error ?? ''}`,
      );
    throw new Error(
      `${failed.length} documents were not ingested (${examples.join('; ')})`,
    );
  }
  const chunks = summaries.reduce((sum, s) => sum + s.chunkCount, 0);
  return { tenantId, corpusIds, chunks, rejected };
}
