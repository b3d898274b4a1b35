import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';
import { createEmbeddingProvider } from '../src/embeddings/createEmbeddingProvider';

export type EmbeddingsChoice = 'local' | 'openai';

/**
 * The embedding provider the plugin itself would build: OpenAI when
 * OPENAI_API_KEY is set (OPENAI_BASE_URL for any compatible server), else
 * the local model, which `--embeddings local` also forces.
 */
export function evalEmbeddings(
  choice: EmbeddingsChoice | undefined,
  logger: LoggerService,
): EmbeddingProvider {
  const apiKey = process.env.OPENAI_API_KEY;
  const provider = choice ?? (apiKey ? 'openai' : 'local');
  if (provider === 'openai' && !apiKey) {
    throw new Error('--embeddings openai needs OPENAI_API_KEY');
  }
  const config =
    provider === 'openai'
      ? {
          docuchat: {
            embeddings: { provider },
            openai: {
              apiKey,
              ...(process.env.OPENAI_BASE_URL && {
                baseURL: process.env.OPENAI_BASE_URL,
              }),
            },
          },
        }
      : { docuchat: { embeddings: { provider } } };
  return createEmbeddingProvider(new ConfigReader(config), logger);
}
