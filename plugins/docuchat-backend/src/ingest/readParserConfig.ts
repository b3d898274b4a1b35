import { Config } from '@backstage/config';
import { readNumber } from '../config/readNumber';
import { DEFAULT_PARSE_LIMITS } from './parseLimits';
import { DEFAULT_PARSER_POOL, ParserPoolOptions } from './ParserPool';

const MB = 1024 * 1024;

/**
 * Reads `docuchat.ingestion.parserWorkers` and `docuchat.ingestion.limits`;
 * a value out of range fails start-up with the key's name.
 */
export function readParserConfig(config: Config): ParserPoolOptions {
  const ingestion = config.getOptionalConfig('docuchat.ingestion');
  const limits = ingestion?.getOptionalConfig('limits');
  const limit = (key: string, fallback: number, min = 1) =>
    readNumber(limits, key, {
      where: 'docuchat.ingestion.limits',
      integer: true,
      min,
      fallback,
    });

  return {
    workers: readNumber(ingestion, 'parserWorkers', {
      where: 'docuchat.ingestion',
      integer: true,
      min: 1,
      max: 64,
      fallback: DEFAULT_PARSER_POOL.workers,
    }),
    heapMegabytes: limit(
      'parserHeapMegabytes',
      DEFAULT_PARSER_POOL.heapMegabytes,
      64,
    ),
    timeoutMs:
      limit('parseTimeoutSeconds', DEFAULT_PARSER_POOL.timeoutMs / 1000) * 1000,
    limits: {
      maxPdfPages: limit('maxPdfPages', DEFAULT_PARSE_LIMITS.maxPdfPages),
      maxInflatedBytes:
        limit(
          'maxInflatedMegabytes',
          DEFAULT_PARSE_LIMITS.maxInflatedBytes / MB,
        ) * MB,
      maxNestingDepth: limit(
        'maxNestingDepth',
        DEFAULT_PARSE_LIMITS.maxNestingDepth,
      ),
      maxRunCharacters: limit(
        'maxRunCharacters',
        DEFAULT_PARSE_LIMITS.maxRunCharacters,
        100,
      ),
      maxChunks: limit('maxChunksPerDocument', DEFAULT_PARSE_LIMITS.maxChunks),
    },
  };
}
