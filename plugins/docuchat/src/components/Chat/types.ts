import {
  AnswerFeedback,
  AskFallback,
  Citation,
} from '@docuchat/backstage-plugin-docuchat-common';

/** One question and its answer as the chat shows them. */
export interface ChatTurnView {
  key: string;
  question: string;
  answer: string;
  citations: Citation[];
  model?: string;
  fallbacks: AskFallback[];
  cached?: boolean;
  /** The stored assistant message, once known: feedback needs it. */
  messageId?: string;
  feedback?: AnswerFeedback;
  state: 'streaming' | 'done' | 'error' | 'stopped';
  error?: string;
}
