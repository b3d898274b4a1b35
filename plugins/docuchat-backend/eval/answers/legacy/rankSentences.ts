// Frozen copy of src/chat/rankSentences.ts at commit e8e1c78, for legacyAnswer.ts.
import { contentWords } from './sentences';

/** BM25 parameters, the usual defaults. */
const K1 = 1.2;
const B = 0.75;

/**
 * Scores each sentence against the question with BM25, treating every
 * sentence as a document: rare question words count more than common ones
 * (IDF) and a long sentence does not win just by containing more words
 * (length normalisation). A sentence without any question word scores 0.
 */
export function scoreSentences(
  question: string,
  sentences: string[],
): number[] {
  const queryTerms = [...new Set(contentWords(question))];
  const docs = sentences.map(sentence => contentWords(sentence));
  if (queryTerms.length === 0 || docs.length === 0) {
    return sentences.map(() => 0);
  }
  const averageLength =
    docs.reduce((sum, words) => sum + words.length, 0) / docs.length || 1;
  const documentFrequency = new Map<string, number>();
  for (const words of docs) {
    for (const term of new Set(words)) {
      documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
  }
  return docs.map(words => {
    let score = 0;
    for (const term of queryTerms) {
      const tf = words.filter(word => word === term).length;
      if (tf === 0) continue;
      const df = documentFrequency.get(term) ?? 0;
      // The +1 keeps IDF positive even for a term in most sentences.
      const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
      score +=
        (idf * tf * (K1 + 1)) /
        (tf + K1 * (1 - B + (B * words.length) / averageLength));
    }
    return score;
  });
}
