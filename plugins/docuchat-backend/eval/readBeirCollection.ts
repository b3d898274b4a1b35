import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One document of a BEIR corpus. */
export interface CorpusDocument {
  id: string;
  title: string;
  text: string;
}

export interface BeirQuery {
  id: string;
  text: string;
  /** corpus id → grade (BEIR qrels: > 0 relevant). */
  judgements: Map<string, number>;
}

export interface BeirCollection {
  corpus: CorpusDocument[];
  /** Queries with at least one relevant judgement, in queries.jsonl order. */
  queries: BeirQuery[];
  /** Queries in queries.jsonl without a relevant judgement (not evaluated). */
  unjudgedQueries: number;
  /** Judgements naming documents missing from the corpus. */
  danglingJudgements: number;
}

async function readJsonLines(path: string): Promise<any[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new Error(
          `${path}:${number}: not JSON: ${(error as Error).message}`,
        );
      }
    });
}

/** qrels/test.tsv: `query-id corpus-id score`, tab-separated, with header. */
async function readQrels(path: string) {
  const qrels = new Map<string, Map<string, number>>();
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    const fields = line.split('\t');
    if (index === 0 && fields[0] === 'query-id') return;
    const [queryId, corpusId, score] = fields;
    const grade = Number(score);
    if (fields.length < 3 || !Number.isFinite(grade)) {
      throw new Error(
        `${path}:${index + 1}: expected query-id, corpus-id, score`,
      );
    }
    const judgements = qrels.get(queryId) ?? new Map<string, number>();
    judgements.set(corpusId, grade);
    qrels.set(queryId, judgements);
  });
  return qrels;
}

/** Reads a BEIR-format folder: corpus.jsonl, queries.jsonl, qrels/test.tsv. */
export async function readBeirCollection(dir: string): Promise<BeirCollection> {
  const corpusPath = join(dir, 'corpus.jsonl');
  const corpus: CorpusDocument[] = (await readJsonLines(corpusPath)).map(
    (row, index) => {
      if (row._id === undefined || typeof row.text !== 'string') {
        throw new Error(`${corpusPath}: line ${index + 1} needs _id and text`);
      }
      return {
        id: String(row._id),
        title: String(row.title ?? ''),
        text: row.text,
      };
    },
  );
  const ids = new Set<string>();
  for (const doc of corpus) {
    if (ids.has(doc.id))
      throw new Error(`${corpusPath}: duplicate _id ${doc.id}`);
    ids.add(doc.id);
  }

  const qrels = await readQrels(join(dir, 'qrels', 'test.tsv'));
  let danglingJudgements = 0;
  for (const judgements of qrels.values()) {
    for (const corpusId of judgements.keys()) {
      if (!ids.has(corpusId)) danglingJudgements++;
    }
  }

  const queries: BeirQuery[] = [];
  let unjudgedQueries = 0;
  for (const row of await readJsonLines(join(dir, 'queries.jsonl'))) {
    const id = String(row._id);
    const judgements = qrels.get(id);
    if (!judgements || ![...judgements.values()].some(grade => grade > 0)) {
      unjudgedQueries++;
      continue;
    }
    queries.push({ id, text: String(row.text), judgements });
  }
  return { corpus, queries, unjudgedQueries, danglingJudgements };
}
