import bm25 from 'wink-bm25-text-search';
import nlp from 'wink-nlp-utils';
import { CorpusDocument } from './readBeirCollection';

export interface Bm25Baseline {
  /** Corpus ids, best first. */
  search(query: string, k: number): string[];
}

/**
 * The independent lexical baseline: wink-bm25-text-search with the
 * wink-nlp-utils preparation from its README (lower case, tokenize, remove
 * stop words, stem), over the same title + text DocuChat ingests, as one
 * field. BM25 parameters are the library's defaults (k1 1.2, b 0.75).
 */
export function createBm25Baseline(corpus: CorpusDocument[]): Bm25Baseline {
  const engine = bm25();
  engine.defineConfig({ fldWeights: { body: 1 } });
  engine.definePrepTasks([
    nlp.string.lowerCase,
    nlp.string.tokenize0,
    nlp.tokens.removeWords,
    nlp.tokens.stem,
  ]);
  for (const doc of corpus) {
    engine.addDoc({ body: `${doc.title}\n\n${doc.text}` }, doc.id);
  }
  engine.consolidate();
  return {
    search: (query, k) => engine.search(query, k).map(([id]) => String(id)),
  };
}
