import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ChatModel } from '@docuchat/backstage-plugin-docuchat-node';
import { ChatModelChain } from './ChatModelChain';
import { FallbackRecorder } from './FallbackRecorder';
import { OpenAiChatModel } from './OpenAiChatModel';
import { readChatConfig } from './readChatConfig';

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
}): ChatModelChain {
  const { config, logger, recorder } = options;
  const models = [
    ...(options.extraModels ?? []),
    ...readChatConfig(config).map(
      settings => new OpenAiChatModel({ ...settings, logger }),
    ),
  ];
  const chain = new ChatModelChain({ models, recorder, logger });
  logger.info(`DocuChat answers with ${chain.modelIds.join(' → ')}`);
  return chain;
}
