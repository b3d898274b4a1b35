import {
  Citation,
  SearchHit,
} from '@docuchat/backstage-plugin-docuchat-common';
import { ChunkBlock } from '../ingest/types';
import { PromptSource } from './buildPrompt';

const SNIPPET_CHARS = 240;

/**
 * The retrieved chunks worth showing the model, numbered from 1. Fusion
 * ranks always return k chunks, relevant or not, so a chunk counts only when
 * it matched the question's words (the full-text branch found it) or its
 * vector is close enough. Nothing left means the documents do not cover the
 * question, and the answer says so instead of guessing.
 */
export function selectSources(
  hits: SearchHit[],
  minVectorSimilarity: number,
): Array<{ citation: Citation; source: PromptSource }> {
  return hits
    .filter(
      hit =>
        hit.fullTextRank !== undefined ||
        (hit.vectorScore ?? -1) >= minVectorSimilarity,
    )
    .map((hit, index) => ({
      citation: {
        n: index + 1,
        chunkId: hit.chunkId,
        documentId: hit.documentId,
        documentTitle: hit.documentTitle,
        headingPath: hit.headingPath,
        snippet: snippetOf(hit.text),
        score: hit.score,
        ...(hit.sourceUrl && { sourceUrl: hit.sourceUrl }),
      },
      source: {
        n: index + 1,
        documentTitle: hit.documentTitle,
        headingPath: hit.headingPath,
        text: hit.text,
        ...(hit.blocks && { blocks: hit.blocks as ChunkBlock[] }),
      },
    }));
}

function snippetOf(text: string) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SNIPPET_CHARS
    ? flat
    : `${flat.slice(0, SNIPPET_CHARS - 1)}…`;
}
