import { ConfigReader } from '@backstage/config';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FusionOptions } from '../src/search/fuseRankings';
import { readOptions } from '../src/readOptions';
import { EvalDatabaseKind } from './evalDatabase';
import { EmbeddingsChoice } from './evalEmbeddings';

export const USAGE = `Usage: yarn eval:retrieval DIR [options]

DIR is a BEIR-format folder: corpus.jsonl, queries.jsonl, qrels/test.tsv.

  --db sqlite|pg17|pg15     database (default sqlite in memory; pg* make a
                            scratch database on the test servers, dropped after)
  --embeddings local|openai default: openai when OPENAI_API_KEY is set
                            (OPENAI_BASE_URL honoured), else the local model
  --fusion-k LIST           RRF k, e.g. 60 or 60,20 (default: the plugin's)
  --vector-weight LIST      e.g. 1,0.5,0.3 (default: the plugin's fusion
                            rule's weight for the embedder)
  --fulltext-weight LIST    e.g. 1 (default: the rule's)
                            hybrid runs once per combination of the lists
  --limit-queries N         evaluate the first N judged queries only
  --per-query               print nDCG@10 of every query and method
  --verbose                 log ingestion
`;

export interface EvalArgs {
  dir: string;
  db: EvalDatabaseKind;
  embeddings?: EmbeddingsChoice;
  /** Weights left out are the plugin's fusion rule's for the embedder. */
  fusions: Array<Partial<FusionOptions> & { k: number }>;
  limitQueries?: number;
  perQuery: boolean;
  verbose: boolean;
}

function numbers<T>(option: string, value: string | undefined, fallback: T) {
  if (value === undefined) return [fallback];
  return value.split(',').map(part => {
    const number = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(number) || number < 0) {
      throw new Error(`--${option}: '${part}' is not a non-negative number`);
    }
    return number;
  });
}

function oneOf<T extends string>(
  option: string,
  value: string | undefined,
  allowed: T[],
) {
  if (value === undefined || allowed.includes(value as T))
    return value as T | undefined;
  throw new Error(
    `--${option} must be one of ${allowed.join(', ')}, got '${value}'`,
  );
}

/**
 * A relative DIR means the folder the user typed the command in (INIT_CWD
 * under a root script), else the current folder, else the repository root
 * (`yarn workspace … eval:retrieval` runs in the plugin folder and sets
 * INIT_CWD there).
 */
function resolveCollectionDir(dir: string): string {
  if (isAbsolute(dir)) return dir;
  const bases = [process.env.INIT_CWD, process.cwd(), process.env.PROJECT_CWD];
  const candidates = bases.flatMap(base => (base ? [resolve(base, dir)] : []));
  return candidates.find(candidate => existsSync(candidate)) ?? candidates[0];
}

/** Parses the command line; returns undefined after printing --help. */
export function readEvalArgs(argv: string[]): EvalArgs | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      embeddings: { type: 'string' },
      'fusion-k': { type: 'string' },
      'vector-weight': { type: 'string' },
      'fulltext-weight': { type: 'string' },
      'limit-queries': { type: 'string' },
      'per-query': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return undefined;
  }
  if (positionals.length !== 1) {
    throw new Error(`expected one collection folder\n\n${USAGE}`);
  }

  // The plugin's defaults, read the way the plugin reads them.
  const defaults = readOptions(new ConfigReader({})).fusion;
  const fusions: EvalArgs['fusions'] = [];
  for (const k of numbers('fusion-k', values['fusion-k'], defaults.k)) {
    for (const vectorWeight of numbers(
      'vector-weight',
      values['vector-weight'],
      undefined,
    )) {
      for (const fullTextWeight of numbers(
        'fulltext-weight',
        values['fulltext-weight'],
        undefined,
      )) {
        fusions.push({ k, vectorWeight, fullTextWeight });
      }
    }
  }

  let limitQueries: number | undefined;
  if (values['limit-queries'] !== undefined) {
    limitQueries = Number(values['limit-queries']);
    if (!Number.isInteger(limitQueries) || limitQueries < 1) {
      throw new Error(`--limit-queries must be a positive integer`);
    }
  }

  const dir = resolveCollectionDir(positionals[0]);

  return {
    dir,
    db: oneOf('db', values.db, ['sqlite', 'pg17', 'pg15']) ?? 'sqlite',
    embeddings: oneOf('embeddings', values.embeddings, ['local', 'openai']),
    fusions,
    limitQueries,
    perQuery: values['per-query'] ?? false,
    verbose: values.verbose ?? false,
  };
}
