/**
 * What full text indexes in front of a chunk's text: its document's title
 * and heading path, one per line (migration 20261126010000_full_text_headings).
 * A chunk is a span of its document, so without them the second chunk of a
 * section would share no words with the headings a citation shows above it.
 */
export function fullTextHeading(title: string, headingPath: string[]): string {
  return [title, ...headingPath].join('\n');
}
