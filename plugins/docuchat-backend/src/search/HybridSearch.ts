import { SearchHit } from '@docuchat/backstage-plugin-docuchat-common';
import { DocumentStore } from '../database/DocumentStore';
import { VectorStore } from '../vectors/types';
import { FullTextIndex, WordStatistics } from './FullTextIndex';
import { fuseRankings, FusionOptions } from './fuseRankings';
import { QueryContext, QueryEmbedder } from './QueryEmbedder';

export type SearchMode = 'hybrid' | 'vector' | 'fulltext';

/**
 * Hybrid retrieval: a vector branch and a BM25 branch, each asked for more
 * candidates than k, fused by weighted reciprocal rank fusion. Every branch
 * is scoped to the tenant, and so is the final chunk lookup.
 */
export class HybridSearch {
  constructor(
    private readonly options: {
      documents: DocumentStore;
      vectors: VectorStore;
      fullText: FullTextIndex;
      queryEmbedder: QueryEmbedder;
      fusion: FusionOptions;
    },
  ) {}

  /** How common the words are in the tenant's chunks (full-text index). */
  wordStatistics(tenantId: string, words: string[]): Promise<WordStatistics> {
    return this.options.fullText.wordStatistics(tenantId, words);
  }

  async search(
    tenantId: string,
    query: string,
    k: number,
    mode: SearchMode = 'hybrid',
    /** Who the query embedding is billed to, beyond the tenant. */
    context: Omit<QueryContext, 'tenantId'> & { signal?: AbortSignal } = {},
  ): Promise<SearchHit[]> {
    const { documents, vectors, fullText, queryEmbedder, fusion } =
      this.options;
    const candidates = Math.max(k * 4, 40);

    // Both branches run to their end before a failure goes up: the query
    // embedding is a billed call whose settlement the question's ledger
    // collects when it ends. Thrown while it was still in flight (the
    // full-text branch failing first, say with the database gone), the
    // question would remove its row as a call never made, though the
    // provider answered it.
    const [vectorBranch, fullTextBranch] = await Promise.allSettled([
      mode === 'fulltext'
        ? []
        : queryEmbedder
            .embed(query, { ...context, tenantId }, context.signal)
            .then(vector =>
              vectors.search(tenantId, queryEmbedder.model, vector, candidates),
            ),
      mode === 'vector' ? [] : fullText.search(tenantId, query, candidates),
    ]);
    if (vectorBranch.status === 'rejected') throw vectorBranch.reason;
    if (fullTextBranch.status === 'rejected') throw fullTextBranch.reason;
    const vectorHits = vectorBranch.value;
    const fullTextHits = fullTextBranch.value;

    const fused = fuseRankings(
      vectorHits.map(hit => hit.chunkId),
      fullTextHits.map(hit => hit.chunkId),
      fusion,
    ).slice(0, k);

    const similarity = new Map(vectorHits.map(hit => [hit.chunkId, hit.score]));
    const chunks = new Map(
      (
        await documents.getChunks(
          tenantId,
          fused.map(hit => hit.id),
        )
      ).map(chunk => [chunk.id, chunk]),
    );
    return fused.flatMap(hit => {
      const chunk = chunks.get(hit.id);
      if (!chunk) return [];
      return [
        {
          chunkId: chunk.id,
          documentId: chunk.documentId,
          documentTitle: chunk.documentTitle,
          headingPath: chunk.headingPath,
          text: chunk.text,
          ...(chunk.sourceUrl && { sourceUrl: chunk.sourceUrl }),
          score: hit.score,
          vectorRank: hit.ranks[0],
          vectorScore: similarity.get(chunk.id),
          fullTextRank: hit.ranks[1],
          ...(chunk.blocks && { blocks: chunk.blocks }),
        },
      ];
    });
  }
}
