import { TextNode } from 'node-html-parser';

/**
 * Decodes HTML character references (`&amp;`, `&copy;`, `&#1587;` …) with the
 * decoder node-html-parser already ships, so Markdown and HTML agree on every
 * named entity without a second entity table in this package.
 */
export function decodeEntities(text: string): string {
  return text.includes('&') ? new TextNode(text).text : text;
}
