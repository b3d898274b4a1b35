import { Config } from '@backstage/config';
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
  const integer = (
    scope: Config | undefined,
    prefix: string,
    key: string,
    fallback: number,
    min: number,
  ) => {
    const value = scope?.getOptionalNumber(key) ?? fallback;
    if (!Number.isSafeInteger(value) || value < min) {
      throw new Error(
        `${prefix}.${key} must be an integer of at least ${min}, got ${value}`,
      );
    }
    return value;
  };
  const limit = (key: string, fallback: number, min = 1) =>
    integer(limits, 'docuchat.ingestion.limits', key, fallback, min);

  return {
    workers: integer(
      ingestion,
      'docuchat.ingestion',
      'parserWorkers',
      DEFAULT_PARSER_POOL.workers,
      1,
    ),
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
