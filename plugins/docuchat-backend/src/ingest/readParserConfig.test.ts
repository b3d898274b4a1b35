import { ConfigReader } from '@backstage/config';
import { DEFAULT_PARSE_LIMITS } from './parseLimits';
import { DEFAULT_PARSER_POOL } from './ParserPool';
import { readParserConfig } from './readParserConfig';

const read = (ingestion: object) =>
  readParserConfig(new ConfigReader({ docuchat: { ingestion } }));

describe('readParserConfig', () => {
  it('defaults every limit, and reads each from its key', () => {
    expect(readParserConfig(new ConfigReader({}))).toEqual(DEFAULT_PARSER_POOL);
    expect(
      read({
        parserWorkers: 3,
        limits: {
          maxPdfPages: 50,
          maxInflatedMegabytes: 10,
          maxNestingDepth: 64,
          maxRunCharacters: 2000,
          maxChunksPerDocument: 100,
          parseTimeoutSeconds: 5,
          parserHeapMegabytes: 256,
        },
      }),
    ).toEqual({
      workers: 3,
      heapMegabytes: 256,
      timeoutMs: 5000,
      limits: {
        maxPdfPages: 50,
        maxInflatedBytes: 10 * 1024 * 1024,
        maxNestingDepth: 64,
        maxRunCharacters: 2000,
        maxChunks: 100,
      },
    });
    expect(read({ limits: { maxPdfPages: 10 } }).limits).toEqual({
      ...DEFAULT_PARSE_LIMITS,
      maxPdfPages: 10,
    });
  });

  it('stops start-up on a value out of range, naming the key', () => {
    expect(() => read({ parserWorkers: 0 })).toThrow(
      'docuchat.ingestion.parserWorkers must be an integer from 1 to 64, got 0',
    );
    expect(() => read({ limits: { parserHeapMegabytes: 16 } })).toThrow(
      'docuchat.ingestion.limits.parserHeapMegabytes must be an integer ≥ 64, got 16',
    );
    expect(() => read({ limits: { maxPdfPages: 1.5 } })).toThrow(
      /docuchat\.ingestion\.limits\.maxPdfPages must be/,
    );
  });
});
