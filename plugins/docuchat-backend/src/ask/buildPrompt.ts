import { ChatTurn } from '@docuchat/backstage-plugin-docuchat-common';
import { ChatMessage } from '@docuchat/backstage-plugin-docuchat-node';
import { ChunkBlock } from '../ingest/types';

/** A retrieved chunk as the prompt shows it, cited as `[n]`. */
export interface PromptSource {
  n: number;
  documentTitle: string;
  headingPath: string[];
  text: string;
  /** The chunk's blocks (offsets into `text`), for the extractive answerer. */
  blocks?: ChunkBlock[];
}

export const ANSWER_INSTRUCTIONS = [
  'You are DocuChat, an assistant that answers questions about the documents of one organisation.',
  'Answer only from the numbered sources below; do not use outside knowledge and do not guess.',
  'Cite the source of every statement with its number in square brackets, for example [1] or [2][3].',
  'If the sources do not contain the answer, say plainly that the documents do not cover it.',
  'Answer in the language of the question, concisely.',
].join('\n');

/** Longest earlier message kept in the prompt, in characters. */
const MAX_HISTORY_MESSAGE_CHARS = 2000;

/**
 * The chat prompt: instructions and the numbered sources as the system
 * message, then the earlier turns, then the question. Sources go in the
 * system message so a user message cannot pose as one of them.
 */
export function buildPrompt(options: {
  question: string;
  sources: PromptSource[];
  history?: ChatTurn[];
  /** Most earlier messages kept, newest last. Default 6. */
  maxHistoryMessages?: number;
}): ChatMessage[] {
  const { question, sources } = options;
  const history = (options.history ?? []).slice(
    -(options.maxHistoryMessages ?? 6),
  );
  const numbered = sources.map(source => {
    const where = [source.documentTitle, ...source.headingPath].join(' › ');
    return `[${source.n}] ${where}\n${source.text}`;
  });
  return [
    {
      role: 'system',
      content: `${ANSWER_INSTRUCTIONS}\n\nSources:\n\n${numbered.join('\n\n')}`,
    },
    ...history.map(turn => ({
      role: turn.role,
      content: turn.content.slice(0, MAX_HISTORY_MESSAGE_CHARS),
    })),
    { role: 'user', content: question },
  ];
}
