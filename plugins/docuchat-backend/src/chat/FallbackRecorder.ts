import { ChatModelFailureReason } from '@docuchat/backstage-plugin-docuchat-node';

/**
 * Told about every step down the chat model chain, e.g. from
 * `openai:gpt-4o-mini` to `local:extractive` for `rate_limit`. The metrics
 * work implements it as the `ml_fallback_total{from_model, to_model, reason}`
 * counter; model ids and reasons are bounded sets, so the labels stay cheap.
 */
export interface FallbackRecorder {
  record(from: string, to: string, reason: ChatModelFailureReason): void;
}
