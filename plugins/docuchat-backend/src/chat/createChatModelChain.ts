import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  ChatModel,
  EmbeddingProvider,
} from '@docuchat/backstage-plugin-docuchat-node';
import { ChatModelChain } from './ChatModelChain';
import { ExtractiveAnswerer } from './ExtractiveAnswerer';
import { FallbackRecorder } from './FallbackRecorder';
import { OpenAiChatModel } from './OpenAiChatModel';
import { readChatConfig } from './readChatConfig';
import { localSemanticSimilarity } from './semanticOverlap';

/**
 * The chain the plugin answers with: models added by modules first, then
 * those of `docuchat.chat.models`, then the local extractive answerer.
 */
export function createChatModelChain(options: {
  config: Config;
  logger: LoggerService;
  recorder: FallbackRecorder;
  /** From the chat models extension point, in the order added. */
  extraModels?: ChatModel[];
  /** The extractive answerer's semantic overlap, when it runs in process. */
  embeddings?: EmbeddingProvider;
}): ChatModelChain {
  const { config, logger, recorder } = options;
  const models = [
    ...(options.extraModels ?? []),
    ...readChatConfig(config).map(
      settings => new OpenAiChatModel({ ...settings, logger }),
    ),
  ];
  const similarity =
    options.embeddings && localSemanticSimilarity(options.embeddings);
  const chain = new ChatModelChain({
    models,
    recorder,
    logger,
    extractive: new ExtractiveAnswerer({ similarity }),
  });
  logger.info(`DocuChat answers with ${chain.modelIds.join(' → ')}`);
  return chain;
}
