import { extractTechDocsArticle } from './techdocsArticle';
import { parseHtml } from './parseHtml';

const MKDOCS_PAGE = `<!DOCTYPE html><html><head><title>Latency - DocuChat</title></head>
<body><div class="navbar"><a href="/">DocuChat</a><ul><li>Runbooks</li></ul></div>
<div class="container"><div class="col-md-3"><div class="bs-sidebar"><ul><li>On this page</li></ul></div></div>
<div class="col-md-9" role="main">
<h1 id="latency">Latency<a class="headerlink" href="#latency">¶</a></h1>
<p>Check the p95 first.</p><h2 id="steps">Steps</h2><ol><li>Open the dashboard.</li></ol>
</div></div><footer><p>Built with MkDocs</p></footer></body></html>`;

describe('extractTechDocsArticle', () => {
  it("keeps the article of an MkDocs page, headings included, and drops the site's chrome", () => {
    const { title, html } = extractTechDocsArticle(MKDOCS_PAGE);
    expect(title).toBe('Latency');
    const parsed = parseHtml(Buffer.from(html));
    expect(parsed.blocks.map(b => [b.kind, b.text])).toEqual([
      ['heading', 'Latency'],
      ['paragraph', 'Check the p95 first.'],
      ['heading', 'Steps'],
      ['list-item', '1. Open the dashboard.'],
    ]);
    expect(html).not.toMatch(/On this page|Built with MkDocs|¶/);
  });

  it('prefers the techdocs-core (Material) article', () => {
    const { title, html } = extractTechDocsArticle(
      `<html><head><title>Site</title></head><body><nav>menu</nav><article class="md-content__inner md-typeset"><h1>Billing</h1><p>Invoices are daily.</p></article></body></html>`,
    );
    expect(title).toBe('Billing');
    expect(html).toContain('Invoices are daily.');
    expect(html).not.toContain('menu');
  });

  it("falls back to the body and the document's title", () => {
    const { title, html } = extractTechDocsArticle(
      '<html><head><title>Plain</title></head><body><p>Only text.</p></body></html>',
    );
    expect(title).toBe('Plain');
    expect(html).toContain('Only text.');
  });
});
