import { FusionOptions } from '../src/search/fuseRankings';

export interface MethodScores {
  label: string;
  ndcg: number;
  recall: number;
  /** Mean length of the document rankings (chunks of one document merge). */
  meanDocuments: number;
  /** nDCG@k per evaluated query, in query order. */
  perQuery: number[];
}

export interface EvalReport {
  k: number;
  queryIds: string[];
  baseline: MethodScores;
  /** Full text without feedback expansion. */
  fullTextOnePass: MethodScores;
  fullText: MethodScores;
  vector: MethodScores;
  hybrids: Array<{ fusion: FusionOptions; scores: MethodScores }>;
}

/** Ratios this close to 1 count as equal (float noise). */
const EPSILON = 1e-9;

const fixed = (value: number, digits = 3) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

export function fusionLabel(fusion: FusionOptions): string {
  const weight = (w: number) => String(Number(w.toFixed(3)));
  return `hybrid k=${fusion.k} v=${weight(fusion.vectorWeight)} f=${weight(
    fusion.fullTextWeight,
  )}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map(row => row[column].length)),
  );
  return rows
    .map(row =>
      row
        .map((cell, column) =>
          column === 0
            ? cell.padEnd(widths[column])
            : cell.padStart(widths[column]),
        )
        .join('  '),
    )
    .join('\n');
}

const met = (t: { ratio: number; target?: number }) =>
  t.ratio >= (t.target ?? 1) - EPSILON;

/** Prints the scores, the ratios and MET/MISSED per target; returns misses. */
export function printReport(report: EvalReport): number {
  const { k, baseline, fullTextOnePass, fullText, vector, hybrids } = report;
  const methods = [
    baseline,
    fullTextOnePass,
    fullText,
    vector,
    ...hybrids.map(h => h.scores),
  ];
  const out: string[] = [];
  out.push(
    table([
      ['method', `nDCG@${k}`, `recall@${k}`, 'docs/query'],
      ...methods.map(m => [
        m.label,
        fixed(m.ndcg),
        fixed(m.recall),
        fixed(m.meanDocuments, 1),
      ]),
    ]),
  );

  const targets: Array<{
    name: string;
    ratio: number;
    recallRatio: number;
    target?: number;
  }> = [
    {
      name: `full text / BM25 baseline (nDCG ${fixed(fullText.ndcg)} / ${fixed(
        baseline.ndcg,
      )})`,
      ratio: fullText.ndcg / baseline.ndcg,
      recallRatio: fullText.recall / baseline.recall,
    },
  ];
  const best = fullText.ndcg >= vector.ndcg ? fullText : vector;
  for (const { fusion, scores } of hybrids) {
    targets.push({
      name: `${fusionLabel(fusion)} / best branch (${
        best === fullText ? 'full text' : 'vector'
      } ${fixed(best.ndcg)})`,
      ratio: scores.ndcg / best.ndcg,
      recallRatio: scores.recall / best.recall,
    });
    targets.push({
      name: `${fusionLabel(fusion)} / BM25 baseline (${fixed(baseline.ndcg)})`,
      ratio: scores.ndcg / baseline.ndcg,
      recallRatio: scores.recall / baseline.recall,
      target: 1.1,
    });
  }
  out.push('');
  out.push(
    'Targets: full text ≥ BM25 baseline; hybrid ≥ the better of its branches; hybrid ≥ 1.10 × BM25 baseline (nDCG@10)',
  );
  out.push(
    table([
      ['ratio', 'nDCG', 'recall', 'target'],
      ...targets.map(t => [
        t.name,
        fixed(t.ratio),
        fixed(t.recallRatio),
        met(t) ? 'MET' : 'MISSED',
      ]),
    ]),
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return targets.filter(t => !met(t)).length;
}

/** nDCG@k of every query and method, for looking at where methods differ. */
export function printPerQuery(report: EvalReport, queryTexts: string[]): void {
  const methods = [
    report.baseline,
    report.fullTextOnePass,
    report.fullText,
    report.vector,
    ...report.hybrids.map(h => h.scores),
  ];
  const lines = table([
    ['query', ...methods.map((_, i) => `m${i + 1}`)],
    ...report.queryIds.map((id, q) => [
      id,
      ...methods.map(m => fixed(m.perQuery[q], 2)),
    ]),
  ]).split('\n');
  const texts = ['text', ...queryTexts.map(text => text.slice(0, 70))];
  process.stdout.write(
    `${methods.map((m, i) => `m${i + 1} = ${m.label}`).join('\n')}\n${lines
      .map((line, i) => `${line}  ${texts[i]}`)
      .join('\n')}\n\n`,
  );
}
