import { HTMLElement, Node, NodeType, TextNode, parse } from 'node-html-parser';
import { DocumentBuilder } from './documentBuilder';
import { assertHtmlDepthWithin } from './nestingDepth';

/**
 * The HTML → blocks walk shared by the HTML and DOCX parsers (and raw HTML
 * inside Markdown): h1–h6, p, each li, pre and each table row become blocks; runs of
 * inline content directly inside containers (a `<div>` with bare text) become
 * paragraphs; script, style, navigation and other non-content elements are
 * dropped. Entities are decoded by node-html-parser's `.text`.
 */

// Elements with no document content. `nav` is site chrome repeated on every
// page; indexing it makes every page look alike to retrieval.
const DROPPED = new Set([
  'script',
  'style',
  'nav',
  'noscript',
  'template',
  'head',
  'svg',
  'canvas',
  'iframe',
  'object',
  'button',
  'select',
]);

// Elements that start a new block; everything else is inline.
const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'li',
  'main',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);

const HEADING = /^h([1-6])$/;

// Stands for `<br>` until whitespace is collapsed: a newline in the source
// is just whitespace in HTML, a `<br>` is a line break.
const BR = '\u2028';

class HtmlWalker {
  // Inline content waiting to become a paragraph.
  private pending = '';

  constructor(private readonly builder: DocumentBuilder) {}

  /** Walks a container's children, turning inline runs into paragraphs. */
  container(element: HTMLElement): void {
    for (const child of element.childNodes) {
      if (child.nodeType === NodeType.TEXT_NODE) {
        this.pending += (child as TextNode).text;
        continue;
      }
      if (child.nodeType !== NodeType.ELEMENT_NODE) {
        continue;
      }
      const el = child as HTMLElement;
      const tag = el.tagName?.toLowerCase() ?? '';
      if (DROPPED.has(tag)) {
        continue;
      }
      if (tag === 'br') {
        this.pending += BR;
      } else if (BLOCK_TAGS.has(tag) || hasBlockDescendant(el)) {
        this.flush();
        this.block(el, tag);
      } else {
        this.pending += inlineText(el);
      }
    }
    this.flush();
  }

  private block(el: HTMLElement, tag: string): void {
    const heading = HEADING.exec(tag);
    if (heading) {
      this.builder.add('heading', inlineText(el), {
        level: Number(heading[1]),
      });
    } else if (tag === 'p') {
      this.builder.add('paragraph', inlineText(el));
    } else if (tag === 'ul' || tag === 'ol') {
      this.list(el, 0);
    } else if (tag === 'li') {
      // A stray <li> outside a list is still a list item.
      this.list(el, 0, true);
    } else if (tag === 'pre') {
      this.builder.add('code', preText(el));
    } else if (tag === 'table') {
      tableRows(el).forEach((row, index) =>
        this.builder.add('table-row', row, { continues: index > 0 }),
      );
    } else if (tag !== 'hr') {
      this.container(el);
    }
  }

  /**
   * One block per list item, nested items indented two spaces per level;
   * a `<pre>` inside an item becomes a code block after it.
   */
  private list(list: HTMLElement, depth: number, single = false): void {
    const ordered = list.tagName?.toLowerCase() === 'ol';
    const first = Number(list.getAttribute('start') ?? '1') || 1;
    const items = single
      ? [list]
      : list.childNodes.filter(
          (child): child is HTMLElement =>
            child.nodeType === NodeType.ELEMENT_NODE &&
            (child as HTMLElement).tagName?.toLowerCase() === 'li',
        );
    const indent = '  '.repeat(depth);
    items.forEach((item, index) => {
      const marker = ordered ? `${first + index}.` : '-';
      const own: string[] = [];
      const after: Array<() => void> = [];
      for (const child of item.childNodes) {
        const tag =
          child.nodeType === NodeType.ELEMENT_NODE
            ? (child as HTMLElement).tagName?.toLowerCase()
            : '';
        if (tag === 'ul' || tag === 'ol') {
          after.push(() => this.list(child as HTMLElement, depth + 1));
        } else if (tag === 'pre') {
          after.push(() =>
            this.builder.add('code', preText(child as HTMLElement)),
          );
        } else {
          own.push(rawInline(child));
        }
      }
      this.builder.add(
        'list-item',
        `${indent}${marker} ${collapse(own.join('')).replace(/\n/g, ' ')}`,
        { continues: index > 0 || depth > 0 },
      );
      for (const add of after) add();
    });
  }

  private flush(): void {
    if (this.pending.trim()) {
      this.builder.add('paragraph', collapse(this.pending));
    }
    this.pending = '';
  }
}

function hasBlockDescendant(el: HTMLElement): boolean {
  return el.childNodes.some(
    child =>
      child.nodeType === NodeType.ELEMENT_NODE &&
      (BLOCK_TAGS.has((child as HTMLElement).tagName?.toLowerCase() ?? '') ||
        hasBlockDescendant(child as HTMLElement)),
  );
}

/** Text of an element as prose: whitespace collapsed, `<br>` kept as `\n`. */
function inlineText(el: Node): string {
  return collapse(rawInline(el));
}

function rawInline(node: Node): string {
  if (node.nodeType === NodeType.TEXT_NODE) {
    return (node as TextNode).text;
  }
  if (node.nodeType !== NodeType.ELEMENT_NODE) {
    return '';
  }
  const el = node as HTMLElement;
  const tag = el.tagName?.toLowerCase() ?? '';
  if (tag === 'br') {
    return BR;
  }
  if (DROPPED.has(tag)) {
    return '';
  }
  let text = el.childNodes.map(rawInline).join('');
  // Block children inside inline content (cells, list items with <p>s) are
  // separated by a space so words do not run together.
  if (BLOCK_TAGS.has(tag)) {
    text = ` ${text} `;
  }
  return text;
}

/**
 * Collapses HTML whitespace (space, tab, CR, LF, FF — not NBSP and not ZWNJ,
 * which Persian needs) to single spaces, keeping `<br>` line breaks.
 */
function collapse(text: string): string {
  return text
    .split(BR)
    .map(line => line.replace(/[ \t\r\n\f]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Preformatted text keeps its whitespace; tags inside (code, spans) go. */
function preText(el: HTMLElement): string {
  return el.text.replace(/^\n/, '');
}

/** A table's rows as cells joined by ` | `, in document order. */
function tableRows(table: HTMLElement): string[] {
  return table
    .querySelectorAll('tr')
    .map(row =>
      row.childNodes
        .filter(
          (cell): cell is HTMLElement =>
            cell.nodeType === NodeType.ELEMENT_NODE &&
            ['td', 'th'].includes(
              (cell as HTMLElement).tagName?.toLowerCase() ?? '',
            ),
        )
        .map(cell => inlineText(cell).replace(/\n/g, ' '))
        .join(' | '),
    )
    .filter(line => line.replace(/[\s|]/g, ''));
}

/**
 * Appends the blocks of an HTML fragment; also used for HTML in Markdown.
 * The walk recurses once per level, so the tree's depth is bounded first.
 */
export function addHtmlBlocks(
  builder: DocumentBuilder,
  html: string,
  limits: { maxNestingDepth: number },
): void {
  // node-html-parser keeps `<!doctype>` and `<?xml …?>` as text.
  const markup = html.replace(/<!doctype[^>]*>|<\?[\s\S]*?\?>/gi, '');
  const root = parse(markup, {
    comment: false,
    // node-html-parser keeps these elements' content as raw, unparsed text.
    // `pre` is deliberately absent (it is in the default set): `<pre><code>`
    // must be parsed so the `<code>` tags do not leak into the text.
    blockTextElements: { script: true, style: true, noscript: true },
  });
  assertHtmlDepthWithin(root, limits.maxNestingDepth);
  new HtmlWalker(builder).container(root);
}
