/**
 * What the embedder reads for a chunk: its document's title and heading
 * path, then its text (contextual embeddings). A chunk is a span of its
 * document; without them "Run it with `yarn test`" under "Tests" of
 * "CONTRIBUTING.md" says nothing about tests to a model that sees it alone.
 * Full text indexes the same headings (fullTextHeading.ts).
 *
 * Version 1 was the text alone. Documents embedded by an older version are
 * re-embedded only when an operator starts it (`POST
 * /maintenance/reembed`, after `GET` showed the cost), as maintenance that is
 * never billed to tenants.
 */
export const EMBEDDING_TEXT_VERSION = 2;

export function embeddingText(
  title: string,
  headingPath: string[],
  text: string,
): string {
  const context = [title, ...headingPath].filter(Boolean).join(' › ');
  return context ? `${context}\n\n${text}` : text;
}
