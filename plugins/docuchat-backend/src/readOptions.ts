import { Config } from '@backstage/config';
import { readNumber } from './config/readNumber';
import {
  CreateTenantRequest,
  createTenantRequestSchema,
} from '@docuchat/backstage-plugin-docuchat-common';
import { AskSettings } from './ask/AskService';
import { FusionSettings } from './search/fusionRule';
import {
  readFeedbackSettings,
  readFusionSettings,
} from './search/readSearchConfig';
import { FeedbackSettings } from './search/relevanceModel';
import { IngestionWorkSettings } from './sources/IngestionService';

export interface DocuchatOptions {
  maxUploadBytes: number;
  chunking: { maxTokens: number; overlapTokens: number };
  /** Fusion of the branches (`docuchat.search.fusion`, fusionRule.ts). */
  fusion: FusionSettings;
  /** Feedback expansion of the full-text branch (`docuchat.search.feedback`). */
  feedback: FeedbackSettings;
  ask: AskSettings;
  tenants: CreateTenantRequest[];
  demo: { enabled: boolean; documents: string[]; ownerRef: string };
  /** Durable background work: claims, leases, sweeps and the shutdown drain. */
  work: {
    ingestion: IngestionWorkSettings & { pollMs: number };
    shutdownGraceMs: number;
    abandonedCallMs: number;
    usageSweepMs: number;
  };
}

const MB = 1024 * 1024;

/** Reads `docuchat.*` with its defaults; bad values fail start-up loudly. */
export function readOptions(config: Config): DocuchatOptions {
  const docuchat = config.getOptionalConfig('docuchat');
  const maxTokens = docuchat?.getOptionalNumber('ingestion.chunkTokens') ?? 400;
  const overlapTokens =
    docuchat?.getOptionalNumber('ingestion.overlapTokens') ?? 60;
  if (overlapTokens >= maxTokens) {
    throw new Error(
      `docuchat.ingestion.overlapTokens (${overlapTokens}) must be smaller than chunkTokens (${maxTokens})`,
    );
  }
  const tenants = (docuchat?.getOptionalConfigArray('tenants') ?? []).map(
    (tenant, index) => {
      const result = createTenantRequestSchema.safeParse(tenant.get());
      if (!result.success) {
        throw new Error(
          `docuchat.tenants[${index}] is invalid: ${result.error.issues
            .map(i => `${i.path.join('.')}: ${i.message}`)
            .join('; ')}`,
        );
      }
      return result.data;
    },
  );
  return {
    maxUploadBytes:
      (docuchat?.getOptionalNumber('ingestion.maxUploadMegabytes') ?? 20) * MB,
    chunking: { maxTokens, overlapTokens },
    fusion: readFusionSettings(docuchat),
    feedback: readFeedbackSettings(docuchat),
    ask: {
      defaultK: boundedInteger(docuchat, 'ask.k', 6, 1, 20),
      maxSourceTokens: maxTokens,
      // Unrelated texts score about 0.1-0.3 with both the local model and
      // OpenAI's; a chunk the vector branch alone found must beat that.
      minVectorSimilarity:
        docuchat?.getOptionalNumber('ask.minVectorSimilarity') ?? 0.35,
      maxHistoryMessages: boundedInteger(
        docuchat,
        'ask.historyMessages',
        6,
        0,
        40,
      ),
    },
    tenants,
    work: {
      ingestion: {
        leaseMs: seconds(docuchat, 'ingestion.leaseSeconds', 60, 0.2, 3600),
        maxAttempts: boundedInteger(
          docuchat,
          'ingestion.maxAttempts',
          3,
          1,
          100,
        ),
        concurrency: boundedInteger(
          docuchat,
          'ingestion.concurrency',
          1,
          1,
          64,
        ),
        batch: {
          maxDocuments: boundedInteger(
            docuchat,
            'ingestion.batch.maxDocuments',
            32,
            1,
            1000,
          ),
          maxTokens: boundedInteger(
            docuchat,
            'ingestion.batch.maxTokens',
            16_384,
            maxTokens,
            1_000_000,
          ),
          waitMs: boundedInteger(
            docuchat,
            'ingestion.batch.waitMilliseconds',
            20,
            0,
            10_000,
          ),
        },
        pollMs: seconds(docuchat, 'ingestion.pollSeconds', 10, 0.1, 3600),
      },
      shutdownGraceMs: seconds(docuchat, 'shutdown.graceSeconds', 20, 0, 3600),
      abandonedCallMs: seconds(
        docuchat,
        'usage.abandonedCallSeconds',
        900,
        1,
        86400,
      ),
      usageSweepMs: seconds(docuchat, 'usage.sweepSeconds', 60, 0.1, 86400),
    },
    demo: {
      enabled: docuchat?.getOptionalBoolean('demo.enabled') ?? false,
      documents: docuchat?.getOptionalStringArray('demo.documents') ?? [],
      ownerRef:
        docuchat?.getOptionalString('demo.ownerRef') ??
        'group:default/platform',
    },
  };
}

function boundedInteger(
  config: Config | undefined,
  key: string,
  fallback: number,
  min: number,
  max: number,
) {
  return readNumber(config, key, {
    where: 'docuchat',
    fallback,
    integer: true,
    min,
    max,
  });
}

/** A duration in (fractional) seconds, as milliseconds. */
function seconds(
  config: Config | undefined,
  key: string,
  fallback: number,
  min: number,
  max: number,
) {
  const value = readNumber(config, key, {
    where: 'docuchat',
    fallback,
    unit: 'seconds',
    min,
    max,
  });
  return Math.round(value * 1000);
}
