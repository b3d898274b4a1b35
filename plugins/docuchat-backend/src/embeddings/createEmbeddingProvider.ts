import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';
import { LocalEmbeddingProvider } from './LocalEmbeddingProvider';
import { OpenAiEmbeddingProvider } from './OpenAiEmbeddingProvider';
import { readEmbeddingsConfig } from './readEmbeddingsConfig';

/**
 * The embedding provider the configuration asks for (see
 * readEmbeddingsConfig for the rules). A backend module can still replace it
 * through `docuchatEmbeddingsExtensionPoint`.
 */
export function createEmbeddingProvider(
  config: Config,
  logger: LoggerService,
): EmbeddingProvider {
  const settings = readEmbeddingsConfig(config);
  const provider =
    settings.provider === 'openai'
      ? new OpenAiEmbeddingProvider({ ...settings, logger })
      : new LocalEmbeddingProvider({ ...settings, logger });
  logger.info(
    `DocuChat embeds with ${provider.model}${
      settings.provider === 'openai'
        ? ` at ${settings.baseURL ?? 'api.openai.com'}`
        : ''
    }`,
  );
  return provider;
}
