/**
 * What the embedder reads for a chunk: its document's title and heading
 * path, then its text (contextual embeddings). A chunk is a span of its
 * document; without them "Run it with `yarn test`" under "Tests" of
 * "CONTRIBUTING.md" says nothing about tests to a model that sees it alone.
 * Full text indexes the same headings (fullTextHeading.ts).
 *
 * What the text already opens with is not said twice: a section's first
 * chunk starts with its own heading, a plain-text document often with its
 * title, and a model that reads a line twice weighs it double.
 *
 * Version 1 was the text alone; version 2 repeated the heading or title
 * the text opens with. Documents embedded by an older version are
 * re-embedded only when an operator starts it (`POST
 * /maintenance/reembed`, after `GET` showed the cost), as maintenance that is
 * never billed to tenants.
 */
export const EMBEDDING_TEXT_VERSION = 3;

export function embeddingText(
  title: string,
  headingPath: string[],
  text: string,
): string {
  const path = [title, ...headingPath].filter(Boolean);
  const opening = text.trimStart().split('\n', 1)[0].trim();
  if (path.length > 0 && path[path.length - 1].trim() === opening) path.pop();
  const context = path.join(' › ');
  return context ? `${context}\n\n${text}` : text;
}
