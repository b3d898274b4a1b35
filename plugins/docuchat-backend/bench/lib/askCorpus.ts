import { EMBEDDING_TEXT_VERSION } from '../../src/embeddings/embeddingText';
import { PARSER_VERSION } from '../../src/ingest/parserVersion';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';
import { DatabaseDocumentStore } from '../../src/database/DatabaseDocumentStore';
import { StoredChunk } from '../../src/database/DocumentStore';
import { createFullTextIndex } from '../../src/search/createFullTextIndex';
import { deterministicEmbedding } from '@internal/docuchat-test-utils';
import { createVectorStore } from '../../src/vectors/createVectorStore';
import { PgVectorStore } from '../../src/vectors/PgVectorStore';
import { seededRandom } from './random';

/**
 * A seeded corpus for bench:ask: documents of generated sentences over a
 * vocabulary with Zipf-like word frequencies, and questions built from the
 * same vocabulary so that the full-text branch finds real matches (the
 * vectors are the OpenAI test server's hash embeddings, which carry no
 * meaning, so without shared words nothing would be relevant and the model
 * would never be called).
 */

const SYLLABLES = [
  'ka', 'lor', 'mi', 'ten', 'sa', 'vo', 'rin', 'del', 'ta', 'quo',
  'ber', 'nix', 'pa', 'sol', 'gra', 'ven', 'tu', 'mor', 'el', 'dra',
  'fin', 'zu', 'hal', 'ost', 'cre', 'num', 'bri', 'wes', 'jor', 'ple',
]; // prettier-ignore

const FILLER = [
  'the', 'a', 'of', 'to', 'and', 'in', 'is', 'for', 'with', 'on',
  'that', 'by', 'every', 'after', 'before', 'when', 'each', 'from',
]; // prettier-ignore

const VERBS = [
  'rotates', 'replaces', 'backs up', 'monitors', 'deploys', 'restarts',
  'encrypts', 'archives', 'approves', 'audits', 'migrates', 'scales',
  'reviews', 'renews', 'restores', 'configures', 'tags', 'escalates',
]; // prettier-ignore

const QUESTION_STARTS = [
  'How often does the',
  'Who is responsible when the',
  'What happens after the',
  'Where do we keep the',
  'Why does the',
  'When should the',
]; // prettier-ignore

/** Chunks per generated document, about what a long runbook yields. */
export const CHUNKS_PER_DOCUMENT = 50;
const SENTENCES_PER_CHUNK = 6;

export interface CorpusSettings {
  tenantId: string;
  chunks: number;
  /** The embedding model id and size the plugin was configured with. */
  model: string;
  dimensions: number;
  logger: LoggerService;
}

/** Words drawn with Zipf-like frequencies, as in real text. */
class Vocabulary {
  readonly words: string[];
  readonly #cumulative: number[];
  readonly #random: () => number;

  constructor(size: number, random: () => number) {
    this.#random = random;
    const words = new Set<string>();
    while (words.size < size) {
      const length = 2 + Math.floor(random() * 2);
      let word = '';
      for (let i = 0; i < length; i++) {
        word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
      }
      words.add(word);
    }
    this.words = [...words];
    let sum = 0;
    this.#cumulative = this.words.map((_, rank) => (sum += 1 / (rank + 1)));
  }

  /** A word, frequent ones far more often. */
  common(): string {
    const target = this.#random() * this.#cumulative.at(-1)!;
    let low = 0;
    let high = this.#cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.#cumulative[mid] < target) low = mid + 1;
      else high = mid;
    }
    return this.words[low];
  }

  /**
   * A word of middling frequency: in some chunks but not most, which is
   * what questions are usually about.
   */
  topical(): string {
    const from = Math.floor(this.words.length * 0.02);
    const to = Math.floor(this.words.length * 0.4);
    return this.words[from + Math.floor(this.#random() * (to - from))];
  }
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)];
}

/** Generates chunk text and questions from one seeded vocabulary. */
export class AskCorpus {
  readonly #random: () => number;
  readonly #vocabulary: Vocabulary;
  readonly #asked = new Set<string>();

  constructor(seed = 4) {
    this.#random = seededRandom(seed);
    this.#vocabulary = new Vocabulary(3000, this.#random);
  }

  sentence(): string {
    const random = this.#random;
    const v = this.#vocabulary;
    const words = [
      pick(FILLER, random),
      v.common(),
      v.topical(),
      pick(VERBS, random),
      pick(FILLER, random),
      v.common(),
      v.topical(),
      pick(FILLER, random),
      v.common(),
      v.common(),
    ];
    const text = words.join(' ');
    return `${text[0].toUpperCase()}${text.slice(1)}.`;
  }

  chunkText(): string {
    return Array.from({ length: SENTENCES_PER_CHUNK }, () =>
      this.sentence(),
    ).join(' ');
  }

  /** A question never returned before (so no cache can answer it). */
  question(): string {
    for (;;) {
      const v = this.#vocabulary;
      const q = `${pick(
        QUESTION_STARTS,
        this.#random,
      )} ${v.topical()} ${v.topical()} ${pick(VERBS, this.#random).replace(
        /s( up)?$/,
        '$1',
      )} the ${v.topical()}?`;
      if (!this.#asked.has(q)) {
        this.#asked.add(q);
        return q;
      }
    }
  }

  questions(count: number): string[] {
    return Array.from({ length: count }, () => this.question());
  }
}

/**
 * Writes `chunks` chunks into one tenant the way IngestionService.ingest
 * stores a document (document row, then chunks, vectors and full-text rows
 * in one transaction), without the HTTP upload, parsing or embedding calls;
 * the vectors are what the OpenAI test server returns for each text. The
 * HNSW index is built after the load, as for any bulk load.
 */
export async function loadAskCorpus(
  knex: Knex,
  corpus: AskCorpus,
  settings: CorpusSettings,
): Promise<{ documents: number; chunks: number }> {
  const { tenantId, model, dimensions } = settings;
  const documents = new DatabaseDocumentStore(knex);
  const vectors = await createVectorStore(knex, {
    logger: settings.logger,
    pgvector: { deferHnswIndex: true },
  });
  const fullText = createFullTextIndex(knex);

  let written = 0;
  let count = 0;
  while (written < settings.chunks) {
    const size = Math.min(CHUNKS_PER_DOCUMENT, settings.chunks - written);
    const title = `Runbook ${count + 1}: ${corpus.sentence().slice(0, 40)}`;
    const texts = Array.from({ length: size }, () => corpus.chunkText());
    const content = Buffer.from(texts.join('\n\n'));
    const { document } = await documents.createOrFind({
      tenantId,
      title,
      contentType: 'text/plain',
      contentHash: createHash('sha256').update(content).digest('hex'),
      content,
    });
    let offset = 0;
    const stored: StoredChunk[] = texts.map((text, ordinal) => {
      const charStart = offset;
      offset += text.length + 2;
      return {
        id: randomUUID(),
        tenantId,
        documentId: document.id,
        ordinal,
        text,
        headingPath: [title],
        charStart,
        charEnd: charStart + text.length,
        // about 1.3 tokens a word; only shown in document summaries
        tokenCount: Math.ceil(text.split(' ').length * 1.3),
        embeddingModel: model,
        embeddingDimensions: dimensions,
      };
    });
    await documents.transaction(async trx => {
      await documents.replaceChunks(trx, tenantId, document.id, stored, {
        parserVersion: PARSER_VERSION,
        embeddingTextVersion: EMBEDDING_TEXT_VERSION,
      });
      await vectors.insert(
        trx,
        model,
        dimensions,
        stored.map(chunk => ({
          chunkId: chunk.id,
          tenantId,
          documentId: document.id,
          vector: deterministicEmbedding(chunk.text, dimensions),
        })),
      );
      await fullText.indexDocument(trx, tenantId, document.id);
    });
    written += size;
    count++;
  }

  if (vectors instanceof PgVectorStore) {
    await vectors.createHnswIndex(dimensions);
    // Fresh tables have no statistics until autovacuum comes by.
    await knex.raw('ANALYZE');
  }
  return { documents: count, chunks: written };
}
