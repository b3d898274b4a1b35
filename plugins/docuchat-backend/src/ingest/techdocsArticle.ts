import { parse } from 'node-html-parser';

// Where the page's own content sits, by generator theme: techdocs-core and
// Material (`article.md-content__inner`), MkDocs' own themes
// (`[role=main]`), anything semantic (`main`). The rest of a TechDocs page
// is site chrome (navigation, table of contents, footer) repeated on every
// page: kept, it would make every page change when one is added.
const ARTICLE_SELECTORS = [
  'article.md-content__inner',
  'article',
  '[role="main"]',
  'main',
];

/**
 * The article of a generated TechDocs page as an HTML fragment, with its
 * title (the first h1, else the document's title), for the HTML parser.
 * Permalink anchors (`¶`) are removed; headings stay.
 */
export function extractTechDocsArticle(html: string): {
  title?: string;
  html: string;
} {
  const root = parse(html, { comment: false });
  const article =
    ARTICLE_SELECTORS.map(selector => root.querySelector(selector)).find(
      Boolean,
    ) ??
    root.querySelector('body') ??
    root;
  for (const anchor of article.querySelectorAll('a.headerlink')) {
    anchor.remove();
  }
  const heading = article.querySelector('h1')?.text.trim();
  const documentTitle = root.querySelector('title')?.text.trim();
  return {
    title: heading || documentTitle || undefined,
    html: article.toString(),
  };
}
