import { Config } from '@backstage/config';
import { readNumber } from '../config/readNumber';

/** `docuchat.embeddings` and the `docuchat.openai` connection, validated. */
export type EmbeddingsConfig =
  | {
      provider: 'openai';
      apiKey: string;
      baseURL?: string;
      model?: string;
      dimensions?: number;
      batchSize?: number;
      timeoutMs?: number;
      maxRetries?: number;
    }
  | {
      provider: 'local';
      batchSize?: number;
    };

const LOCAL_MODEL_NAMES = ['use-lite', 'local:use-lite:512'];

/**
 * Reads the embedding settings; the one place that knows their keys (the
 * schema is in config.d.ts). Without `provider` the choice follows the key:
 * OpenAI when `docuchat.openai.apiKey` is set, else the local model, so a
 * fresh install works with no configuration at all. Settings that would be
 * silently ignored for the chosen provider are errors instead.
 */
export function readEmbeddingsConfig(config: Config): EmbeddingsConfig {
  const embeddings = config.getOptionalConfig('docuchat.embeddings');
  const openai = config.getOptionalConfig('docuchat.openai');
  // `apiKey: ${OPENAI_API_KEY}` with the variable unset leaves the key out
  // (Backstage drops it), so that case lands on the local model too.
  const apiKey = openai?.getOptionalString('apiKey');

  const provider =
    embeddings?.getOptionalString('provider') ?? (apiKey ? 'openai' : 'local');
  const batchSize = positiveInteger(embeddings, 'batchSize');

  if (provider === 'openai') {
    if (!apiKey) {
      throw new Error(
        "docuchat.embeddings.provider is 'openai' but docuchat.openai.apiKey is not set " +
          '(for a server without authentication, set any non-empty key)',
      );
    }
    const maxRetries = readNumber(embeddings, 'maxRetries', {
      where: 'docuchat.embeddings',
      integer: true,
      min: 0,
    });
    return {
      provider,
      apiKey,
      baseURL: openai?.getOptionalString('baseURL'),
      model: embeddings?.getOptionalString('model'),
      dimensions: positiveInteger(embeddings, 'dimensions'),
      batchSize,
      timeoutMs: positiveInteger(embeddings, 'timeoutMs'),
      maxRetries,
    };
  }

  if (provider === 'local') {
    const model = embeddings?.getOptionalString('model');
    if (model !== undefined && !LOCAL_MODEL_NAMES.includes(model)) {
      throw new Error(
        `docuchat.embeddings.model '${model}' is not available locally; the local provider has only 'use-lite'`,
      );
    }
    const dimensions = embeddings?.getOptionalNumber('dimensions');
    if (dimensions !== undefined && dimensions !== 512) {
      throw new Error(
        `docuchat.embeddings.dimensions is ${dimensions}, but the local model makes 512-d vectors`,
      );
    }
    for (const key of ['timeoutMs', 'maxRetries']) {
      if (embeddings?.has(key)) {
        throw new Error(
          `docuchat.embeddings.${key} applies to the 'openai' provider only`,
        );
      }
    }
    return { provider, batchSize };
  }

  throw new Error(
    `docuchat.embeddings.provider must be 'openai' or 'local', got '${provider}'`,
  );
}

function positiveInteger(config: Config | undefined, key: string) {
  return readNumber(config, key, {
    where: 'docuchat.embeddings',
    integer: true,
    min: 1,
  });
}
