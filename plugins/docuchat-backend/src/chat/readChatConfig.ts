import { Config } from '@backstage/config';
import { readNumber } from '../config/readNumber';
import { OpenAiChatModelOptions } from './OpenAiChatModel';

/** The model used when an OpenAI key is set and no chat models are listed. */
export const DEFAULT_CHAT_MODEL = 'gpt-4o-mini';

/**
 * The OpenAI-compatible chat models of `docuchat.chat.models`, in the order
 * the fallback chain tries them. Each inherits `docuchat.openai`'s key and
 * base URL unless it names its own (a secondary on another provider). With
 * no list, an OpenAI key means one `gpt-4o-mini`; no key means none, and
 * the local extractive answerer answers alone.
 */
export function readChatConfig(
  config: Config,
): Array<Omit<OpenAiChatModelOptions, 'logger' | 'fetch'>> {
  const openai = config.getOptionalConfig('docuchat.openai');
  const apiKey = openai?.getOptionalString('apiKey');
  const baseURL = openai?.getOptionalString('baseURL');
  const models = config.getOptionalConfigArray('docuchat.chat.models');
  if (!models) {
    return apiKey ? [{ apiKey, baseURL, model: DEFAULT_CHAT_MODEL }] : [];
  }
  return models.map((model, index) => {
    const where = `docuchat.chat.models[${index}]`;
    const key = model.getOptionalString('apiKey') ?? apiKey;
    if (!key) {
      throw new Error(
        `${where} has no apiKey and docuchat.openai.apiKey is not set (for a server without authentication, set any non-empty key)`,
      );
    }
    return {
      apiKey: key,
      baseURL: model.getOptionalString('baseURL') ?? baseURL,
      model: model.getString('model'),
      timeoutMs: positiveInteger(model, 'timeoutMs', where),
      firstTokenTimeoutMs: positiveInteger(model, 'firstTokenTimeoutMs', where),
    };
  });
}

function positiveInteger(config: Config, key: string, where: string) {
  return readNumber(config, key, { where, integer: true, min: 1 });
}
