import { Lexer, Token, Tokens } from 'marked';
import { decodeEntities } from './decodeEntities';
import { decodeText } from './decodeText';
import { DocumentBuilder } from './documentBuilder';
import { addHtmlBlocks } from './htmlBlocks';
import { DEFAULT_PARSE_LIMITS, ParseLimits } from './parseLimits';
import { assertMarkdownWithin } from './textLimits';
import { ParsedDocument } from './types';

/**
 * Markdown → structured plain text, via marked's lexer (no HTML rendering).
 * Headings, paragraphs, list items, fenced/indented code and table rows
 * become blocks; inline markup (emphasis, links, code spans) is reduced to
 * its text, because `#`, `**` and URLs only add noise to embeddings and
 * citations. A paragraph's soft line breaks are spaces, as Markdown renders
 * them (hard breaks stay line breaks). Block quotes are flattened into their
 * blocks; raw HTML blocks go through the HTML parser.
 */
export function parseMarkdown(
  bytes: Uint8Array,
  options: { charset?: string; limits?: ParseLimits } = {},
): ParsedDocument {
  return markdownToDocument(decodeText(bytes, options.charset), options.limits);
}

/**
 * The string half of `parseMarkdown`, for callers that already hold text.
 * marked recurses once per level of nesting and backtracks once per
 * character of a paragraph: both are bounded before it sees the text.
 */
export function markdownToDocument(
  markdown: string,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ParsedDocument {
  assertMarkdownWithin(markdown, limits.maxNestingDepth);
  const builder = new DocumentBuilder();
  // A fresh Lexer per call: marked's global instance carries options that
  // other code in the process may have changed.
  const tokens = new Lexer({ gfm: true }).lex(markdown);
  addBlockTokens(builder, tokens, limits);
  return builder.build();
}

function addBlockTokens(
  builder: DocumentBuilder,
  tokens: Token[],
  limits: ParseLimits,
): void {
  for (const token of tokens) {
    switch (token.type) {
      case 'heading': {
        const heading = token as Tokens.Heading;
        builder.add('heading', inlineText(heading.tokens), {
          level: heading.depth,
        });
        break;
      }
      case 'paragraph':
        builder.add(
          'paragraph',
          inlineText((token as Tokens.Paragraph).tokens),
        );
        break;
      case 'text': {
        // Loose top-level text (e.g. inside HTML-interrupted content).
        const text = token as Tokens.Text;
        builder.add(
          'paragraph',
          text.tokens
            ? inlineText(text.tokens)
            : softBreaks(decodeEntities(text.text)),
        );
        break;
      }
      case 'list':
        addList(builder, token as Tokens.List, 0);
        break;
      case 'code':
        builder.add('code', (token as Tokens.Code).text);
        break;
      case 'table':
        addTable(builder, token as Tokens.Table);
        break;
      case 'blockquote':
        addBlockTokens(builder, (token as Tokens.Blockquote).tokens, limits);
        break;
      case 'html':
        // Raw HTML blocks (tables, <details>…) keep their structure.
        addHtmlBlocks(builder, (token as Tokens.HTML).text, limits);
        break;
      default:
        // space, hr, def (link reference definitions): no content of their own.
        break;
    }
  }
}

/**
 * A list as one block per item: `- item` or `1. item`, nested items
 * indented two spaces per level, so the structure survives in plain text.
 * Code inside an item becomes a code block after it; the item's other
 * paragraphs belong to its text.
 */
function addList(builder: DocumentBuilder, list: Tokens.List, depth: number) {
  const indent = '  '.repeat(depth);
  const first = typeof list.start === 'number' ? list.start : 1;
  list.items.forEach((item, index) => {
    const marker = list.ordered ? `${first + index}.` : '-';
    let task = '';
    if (item.task) {
      task = item.checked ? '[x] ' : '[ ] ';
    }
    const own: string[] = [];
    const after: Array<() => void> = [];
    for (const child of item.tokens) {
      if (child.type === 'list') {
        after.push(() => addList(builder, child as Tokens.List, depth + 1));
      } else if (child.type === 'code') {
        after.push(() => builder.add('code', (child as Tokens.Code).text));
      } else if (child.type !== 'space' && child.type !== 'checkbox') {
        own.push(blockInlineText(child));
      }
    }
    builder.add(
      'list-item',
      `${indent}${marker} ${task}${own.filter(Boolean).join(' ')}`,
      { continues: index > 0 || depth > 0 },
    );
    for (const add of after) add();
  });
}

/** A table as one block per row, cells joined by ` | `, header row first. */
function addTable(builder: DocumentBuilder, table: Tokens.Table) {
  const row = (cells: Tokens.TableCell[]) =>
    cells.map(cell => inlineText(cell.tokens)).join(' | ');
  [row(table.header), ...table.rows.map(row)].forEach((text, index) =>
    builder.add('table-row', text, { continues: index > 0 }),
  );
}

/** Text of a block-level token found inside a list item. */
function blockInlineText(token: Token): string {
  if ('tokens' in token && Array.isArray(token.tokens)) {
    return inlineText(token.tokens as Token[]);
  }
  return 'text' in token && typeof token.text === 'string'
    ? softBreaks(decodeEntities(token.text))
    : '';
}

/** A soft line break (and the spaces around it) renders as one space. */
function softBreaks(text: string): string {
  return text.replace(/[ \t]*\n[ \t]*/g, ' ');
}

/**
 * Inline tokens → plain text: markup dropped, entities decoded, soft line
 * breaks as spaces, hard ones (`br`) as line breaks.
 */
function inlineText(tokens: Token[] | undefined): string {
  if (!tokens) {
    return '';
  }
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text': {
        const text = token as Tokens.Text;
        out += text.tokens
          ? inlineText(text.tokens)
          : softBreaks(decodeEntities(text.text));
        break;
      }
      case 'escape':
      case 'codespan':
        out += softBreaks((token as Tokens.Codespan).text);
        break;
      case 'br':
        out += '\n';
        break;
      case 'image':
        // The alt text is the only text an image contributes.
        out += decodeEntities((token as Tokens.Image).text);
        break;
      case 'html':
        // Inline tags like <b>…</b>: drop the tag, keep surrounding text.
        break;
      default:
        if ('tokens' in token && Array.isArray(token.tokens)) {
          out += inlineText(token.tokens as Token[]);
        } else if ('text' in token && typeof token.text === 'string') {
          out += softBreaks(decodeEntities(token.text));
        }
    }
  }
  return out;
}
