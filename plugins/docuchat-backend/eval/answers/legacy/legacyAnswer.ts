import { scoreSentences } from './rankSentences';
import { isPersian, splitSentences } from './sentences';

/**
 * The extractive answerer as it was before issue 19 (commit e8e1c78), kept
 * frozen beside `sentences.ts` and `rankSentences.ts` of that commit so that
 * `yarn eval:answers` can print it side by side with the current one: the
 * three BM25-best "sentences" of the sources (split at every line break),
 * best first, each with its `[n]`. Returns the deltas it streamed.
 */
export function legacyAnswer(
  question: string,
  sources: Array<{ n: number; text: string }>,
): string[] {
  const persian = isPersian(question);
  const seen = new Set<string>();
  const candidates: Array<{ sentence: string; n: number; order: number }> = [];
  for (const source of sources) {
    for (const sentence of splitSentences(source.text)) {
      if (seen.has(sentence)) continue;
      seen.add(sentence);
      candidates.push({ sentence, n: source.n, order: candidates.length });
    }
  }
  const scores = scoreSentences(
    question,
    candidates.map(c => c.sentence),
  );
  const chosen = candidates
    .map((candidate, i) => ({ ...candidate, score: scores[i] }))
    .filter(candidate => candidate.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, 3);
  if (chosen.length === 0) {
    return [
      persian
        ? 'در اسناد چیزی درباره‌ی این پرسش پیدا نکردم. پرسش را با واژه‌های دیگری بنویسید یا بررسی کنید که اسناد درست بارگذاری شده باشند.'
        : 'I could not find anything about this in the documents. Try other words, or check that the right documents are uploaded.',
    ];
  }
  const parts = [
    persian ? 'بر اساس اسناد:' : 'From the documents:',
    ...chosen.map(({ sentence, n }) => {
      const [, body, end] = sentence.match(/^([\s\S]*?)([.!?؟۔…]*)$/u)!;
      return `${body} [${n}]${end || '.'}`;
    }),
  ];
  return parts.map((part, i) => (i < parts.length - 1 ? `${part} ` : part));
}
