import { toError } from '@backstage/errors';
import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';
import { randomUUID } from 'node:crypto';
import { DocumentStore, StoredChunk } from '../database/DocumentStore';
import { Chunk } from '../ingest/types';
import { PARSER_VERSION } from '../ingest/parserVersion';
import { EMBEDDING_TEXT_VERSION } from '../embeddings/embeddingText';
import { FullTextIndex } from '../search/FullTextIndex';
import { UsageEntry } from '../usage/UsageLedger';
import { failedCallSettlement, UsageMeter } from '../usage/UsageMeter';
import { VectorStore } from '../vectors/types';

/** A claimed document, parsed and chunked, waiting for its vectors. */
export interface PreparedDocument {
  tenantId: string;
  id: string;
  chunks: Chunk[];
  /** What the model embeds for each chunk, in the chunks' order. */
  embedTexts: string[];
  /** False for maintenance (re-embedding): metered, never invoiced. */
  billable: boolean;
  /** The source a page came from: its calls are marked on the ledger. */
  sourceId?: string;
}

/** How large one embedding call may grow. */
export interface EmbeddingCallLimits {
  /** Texts per call. */
  maxTexts: number;
  /** Tokens per call (the chunks' own counts). */
  maxTokens: number;
}

/** Part of one document in one embedding call: chunks `from` to `to`. */
interface Piece {
  document: PreparedDocument;
  from: number;
  to: number;
}

const tokensOf = (chunks: Chunk[]) =>
  chunks.reduce((sum, chunk) => sum + chunk.tokenCount, 0);

/**
 * Embeds and stores the chunks of several documents of one tenant together,
 * so that small documents share embedding calls and one transaction instead
 * of paying for their own: the fixed cost of a call (a request to the
 * provider, a message to the local model's thread, its pending and settled
 * ledger rows) and of a transaction (its statements, a commit).
 *
 * Calls hold whole documents up to `limits`; a document larger than a call
 * gets calls of its own. Each call writes one pending ledger row per
 * document it embeds (its tokens, its document id), all in one statement,
 * before it starts, and settles them in one statement after, the
 * provider's count shared by the documents' own counts. A call of several
 * documents that fails is made again for each document alone, so one
 * document the provider refuses fails alone.
 *
 * The documents still claimed by `owner` are then stored in one
 * transaction: chunks, vectors and full-text rows replaced, documents
 * marked ready. A document deleted, reindexed or taken over meanwhile is
 * left as it is.
 */
export class ChunkBatchWriter {
  readonly #documents: DocumentStore;
  readonly #vectors: VectorStore;
  readonly #fullText: FullTextIndex;
  readonly #embeddings: EmbeddingProvider;
  readonly #meter: UsageMeter;
  readonly #limits: EmbeddingCallLimits;

  constructor(options: {
    documents: DocumentStore;
    vectors: VectorStore;
    fullText: FullTextIndex;
    embeddings: EmbeddingProvider;
    meter: UsageMeter;
    limits: EmbeddingCallLimits;
  }) {
    this.#documents = options.documents;
    this.#vectors = options.vectors;
    this.#fullText = options.fullText;
    this.#embeddings = options.embeddings;
    this.#meter = options.meter;
    this.#limits = options.limits;
  }

  /**
   * Embeds and stores `documents` (all of one tenant, claimed by `owner`);
   * for each document its chunk count, or the error it ended with.
   */
  async write(
    documents: PreparedDocument[],
    owner: string,
    signal: AbortSignal,
  ): Promise<Map<string, number | Error>> {
    const results = new Map<string, number | Error>();
    const vectors = new Map<string, Float32Array[]>(
      documents.map(d => [d.id, []]),
    );
    for (const call of this.#plan(documents)) {
      const pieces = call.filter(p => !results.has(p.document.id));
      if (pieces.length === 0) continue;
      signal.throwIfAborted();
      try {
        await this.#embed(pieces, vectors, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        if (pieces.length === 1) {
          results.set(pieces[0].document.id, toError(error));
          continue;
        }
        // One of them may be what the provider refused: each alone.
        for (const piece of pieces) {
          try {
            await this.#embed([piece], vectors, signal);
          } catch (alone) {
            if (signal.aborted) throw alone;
            results.set(piece.document.id, toError(alone));
          }
        }
      }
    }
    await this.#store(
      documents.filter(d => !results.has(d.id)),
      vectors,
      owner,
      results,
    );
    return results;
  }

  /** The embedding calls: whole documents up to the limits, in order. */
  #plan(documents: PreparedDocument[]): Piece[][] {
    const { maxTexts, maxTokens } = this.#limits;
    const calls: Piece[][] = [];
    let call: Piece[] = [];
    let texts = 0;
    let tokens = 0;
    const flush = () => {
      if (call.length > 0) calls.push(call);
      call = [];
      texts = 0;
      tokens = 0;
    };
    for (const document of documents) {
      const { chunks } = document;
      if (chunks.length === 0) continue;
      const size = tokensOf(chunks);
      if (chunks.length <= maxTexts && size <= maxTokens) {
        if (texts + chunks.length > maxTexts || tokens + size > maxTokens) {
          flush();
        }
        call.push({ document, from: 0, to: chunks.length });
        texts += chunks.length;
        tokens += size;
        continue;
      }
      // Larger than a call: slices of its own, at least one chunk each.
      flush();
      let from = 0;
      while (from < chunks.length) {
        let to = from + 1;
        let sliceTokens = chunks[from].tokenCount;
        while (
          to < chunks.length &&
          to - from < maxTexts &&
          sliceTokens + chunks[to].tokenCount <= maxTokens
        ) {
          sliceTokens += chunks[to].tokenCount;
          to++;
        }
        calls.push([{ document, from, to }]);
        from = to;
      }
    }
    flush();
    return calls;
  }

  /** One metered embedding call for the pieces; their vectors appended. */
  async #embed(
    pieces: Piece[],
    vectors: Map<string, Float32Array[]>,
    signal: AbortSignal,
  ): Promise<void> {
    const { model } = this.#embeddings;
    const rows: UsageEntry[] = pieces.map(({ document, from, to }) => ({
      requestId: randomUUID(),
      tenantId: document.tenantId,
      model,
      operation: 'embedding',
      promptTokens: tokensOf(document.chunks.slice(from, to)),
      completionTokens: 0,
      estimated: true,
      documentId: document.id,
      sourceId: document.sourceId,
      billable: document.billable,
    }));
    // Billed even if storing fails later: the model is called.
    await this.#meter.beginAll(rows);
    let result;
    try {
      result = await this.#embeddings.embed(
        pieces.flatMap(p => p.document.embedTexts.slice(p.from, p.to)),
        { signal },
      );
    } catch (error) {
      this.#meter.countFailedEmbedding(model, signal);
      await this.#meter.settleFailed(
        rows.map(row => ({ ...row, ...failedCallSettlement(row, signal) })),
      );
      throw error;
    }
    const counts = shareOut(
      result.promptTokens,
      rows.map(row => row.promptTokens),
    );
    await this.#meter.settleAll(
      rows.map((row, i) => ({
        ...row,
        promptTokens: counts[i],
        completionTokens: 0,
        estimated: false,
      })),
    );
    let next = 0;
    for (const { document, from, to } of pieces) {
      vectors
        .get(document.id)!
        .push(...result.vectors.slice(next, next + to - from));
      next += to - from;
    }
  }

  /** The documents still claimed by `owner`, stored in one transaction. */
  async #store(
    documents: PreparedDocument[],
    vectors: Map<string, Float32Array[]>,
    owner: string,
    results: Map<string, number | Error>,
  ): Promise<void> {
    if (documents.length === 0) return;
    const { model, dimensions } = this.#embeddings;
    const tenantId = documents[0].tenantId;
    const stored = documents.map(document => ({
      documentId: document.id,
      chunks: document.chunks.map(
        (chunk): StoredChunk => ({
          id: randomUUID(),
          tenantId,
          documentId: document.id,
          ordinal: chunk.ordinal,
          text: chunk.text,
          headingPath: chunk.headingPath,
          charStart: chunk.start,
          charEnd: chunk.end,
          tokenCount: chunk.tokenCount,
          embeddingModel: model,
          embeddingDimensions: dimensions,
          blocks: chunk.blocks,
        }),
      ),
    }));
    await this.#documents.transaction(async trx => {
      const { stored: held, lost } =
        await this.#documents.replaceChunksOfDocuments(
          trx,
          tenantId,
          stored,
          {
            parserVersion: PARSER_VERSION,
            embeddingTextVersion: EMBEDDING_TEXT_VERSION,
          },
          owner,
        );
      for (const [id, error] of lost) results.set(id, error);
      if (held.length === 0) return;
      const kept = stored.filter(d => held.includes(d.documentId));
      await this.#vectors.deleteDocuments(trx, tenantId, held);
      for (const id of held) {
        await this.#fullText.deleteDocument(trx, tenantId, id);
      }
      await this.#vectors.insert(
        trx,
        model,
        dimensions,
        kept.flatMap(({ documentId, chunks }) =>
          chunks.map((chunk, i) => ({
            chunkId: chunk.id,
            tenantId,
            documentId,
            vector: vectors.get(documentId)![i],
          })),
        ),
      );
      for (const id of held) {
        await this.#fullText.indexDocument(trx, tenantId, id);
      }
      for (const { documentId, chunks } of kept) {
        results.set(documentId, chunks.length);
      }
    });
  }
}

/**
 * `total` split in proportion to `weights`, in whole tokens that add up to
 * it (largest remainders first); evenly when the weights are all zero.
 */
export function shareOut(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map(w =>
    sum > 0 ? (total * w) / sum : total / weights.length,
  );
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, i) => ({ i, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    shares[i]++;
    left--;
  }
  return shares;
}
