import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One judged question of `questions.jsonl` (see README.md beside it). */
export interface JudgedQuestion {
  id: string;
  question: string;
  /** The document (path under `documents/`) that holds the answer. */
  source: string | null;
  /** Accepted variants of the key fact. */
  facts: string[];
  unanswerable: boolean;
  /**
   * Verbatim snippets of the documents that are on topic for the question
   * (empty for the unanswerable ones).
   */
  onTopic: string[];
}

/** The question set, checked line by line so a typo names its line. */
export async function readQuestions(dir: string): Promise<JudgedQuestion[]> {
  const text = await readFile(join(dir, 'questions.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter(line => line.trim())
    .map((line, index) => {
      const raw = JSON.parse(line);
      const facts: unknown = raw.facts;
      const onTopic: unknown = raw.onTopic;
      if (
        !Array.isArray(onTopic) ||
        !onTopic.every(snippet => typeof snippet === 'string' && snippet.trim())
      ) {
        throw new Error(
          `questions.jsonl line ${
            index + 1
          }: onTopic must be a list of snippets`,
        );
      }
      if (
        typeof raw.id !== 'string' ||
        typeof raw.question !== 'string' ||
        !Array.isArray(facts) ||
        facts.length === 0 ||
        !facts.every(fact => typeof fact === 'string' && fact.trim())
      ) {
        throw new Error(
          `questions.jsonl line ${index + 1}: needs id, question and facts`,
        );
      }
      return {
        id: raw.id,
        question: raw.question,
        source: raw.source ?? null,
        facts: facts as string[],
        unanswerable: raw.unanswerable === true,
        onTopic: onTopic as string[],
      };
    });
}
