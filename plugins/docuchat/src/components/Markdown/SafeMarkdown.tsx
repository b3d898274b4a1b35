import { makeStyles } from '@material-ui/core/styles';
import { Fragment, ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  root: {
    overflowWrap: 'anywhere',
    '& p': { margin: theme.spacing(0, 0, 1) },
    // The theme resets headings; inside an answer or a passage they read as
    // bold run-in titles, never as large as the page's own.
    '& h4, & h5, & h6': {
      margin: theme.spacing(1, 0, 0.5),
      fontSize: '1em',
      fontWeight: theme.typography.fontWeightBold as number,
    },
    '& ul, & ol': { margin: theme.spacing(0, 0, 1), paddingInlineStart: 24 },
    '& blockquote': {
      margin: theme.spacing(0, 0, 1),
      paddingInlineStart: theme.spacing(1.5),
      borderInlineStart: `3px solid ${theme.palette.divider}`,
      color: theme.palette.text.secondary,
    },
    '& pre': {
      direction: 'ltr',
      textAlign: 'left',
      overflowX: 'auto',
      padding: theme.spacing(1),
      borderRadius: theme.shape.borderRadius,
      background: theme.palette.background.default,
    },
    '& code': {
      direction: 'ltr',
      unicodeBidi: 'isolate',
      fontFamily: 'monospace',
      fontSize: '0.9em',
    },
    '& a': { color: theme.palette.primary.main },
  },
}));

/**
 * Markdown from documents any tenant user uploads, rendered as React
 * elements only: raw HTML stays text, links keep http(s) and relative
 * targets (others become plain text), images are not loaded. Never
 * `dangerouslySetInnerHTML`.
 *
 * Backstage's MarkdownContent renders raw HTML (sanitized) in its GFM
 * dialect, keeps only `rel="noopener"` on links and cannot turn `[n]` into
 * citation chips, hence this small renderer of the subset answers use:
 * headings, paragraphs, lists, quotes, fenced code, inline code, emphasis,
 * links.
 */
export function SafeMarkdown(props: {
  text: string;
  /** Renders a citation marker `[n]`; plain text when absent. */
  renderCitation?: (n: number) => ReactNode;
}) {
  const classes = useStyles();
  return (
    <div className={classes.root}>
      {parseBlocks(props.text).map((block, i) =>
        renderBlock(block, i, props.renderCitation),
      )}
    </div>
  );
}

type Block =
  | { kind: 'code'; text: string }
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'quote'; text: string }
  | { kind: 'paragraph'; text: string };

function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) {
        code.push(lines[i++]);
      }
      i++;
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({
        kind: 'heading',
        level: heading[1].length,
        text: heading[2],
      });
      i++;
      continue;
    }
    const bullet = /^\s*([-*+]|\d+[.)])\s+/;
    if (bullet.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      while (i < lines.length && bullet.test(lines[i])) {
        items.push(lines[i++].replace(bullet, ''));
      }
      blocks.push({ kind: 'list', ordered, items });
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quote: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) {
        quote.push(lines[i++].replace(/^\s*>\s?/, ''));
      }
      blocks.push({ kind: 'quote', text: quote.join(' ') });
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const paragraph: string[] = [];
    while (
      i < lines.length &&
      lines[i].trim() &&
      !/^(#{1,6}\s|\s*```|\s*~~~|\s*>|\s*([-*+]|\d+[.)])\s)/.test(lines[i])
    ) {
      paragraph.push(lines[i++]);
    }
    blocks.push({ kind: 'paragraph', text: paragraph.join('\n') });
  }
  return blocks;
}

function renderBlock(
  block: Block,
  key: number,
  renderCitation?: (n: number) => ReactNode,
): ReactNode {
  const inline = (text: string) => renderInline(text, renderCitation);
  switch (block.kind) {
    case 'code':
      return (
        <pre key={key} dir="ltr">
          <code>{block.text}</code>
        </pre>
      );
    case 'heading': {
      // Headings inside an answer never outrank the page's own.
      const Tag = `h${Math.min(6, block.level + 3)}` as 'h4';
      return <Tag key={key}>{inline(block.text)}</Tag>;
    }
    case 'list': {
      const Tag = block.ordered ? 'ol' : 'ul';
      return (
        <Tag key={key}>
          {block.items.map((item, i) => (
            <li key={i}>{inline(item)}</li>
          ))}
        </Tag>
      );
    }
    case 'quote':
      return <blockquote key={key}>{inline(block.text)}</blockquote>;
    default:
      return <p key={key}>{inline(block.text)}</p>;
  }
}

/** http(s) and relative links only; `javascript:`, `data:` and others are not links. */
export function safeHref(href: string): string | undefined {
  const trimmed = href.trim();
  if (/^https?:\/\//i.test(trimmed)) return trimmed;
  // Relative: no scheme before the first / ? or #.
  if (!/^[^/?#]*:/.test(trimmed) && !trimmed.startsWith('//')) return trimmed;
  return undefined;
}

// As in CommonMark, `_` emphasis never starts or ends inside a word, so
// identifiers such as BACKSTAGE_TEST_DATABASE stay as written.
const INLINE =
  /(`[^`\n]+`)|(\*\*[^*\n]+\*\*|(?<![\p{L}\p{N}_])__[^_\n]+__(?![\p{L}\p{N}_]))|(\*[^*\n]+\*|(?<![\p{L}\p{N}_])_[^_\n]+_(?![\p{L}\p{N}_]))|!?\[([^\]\n]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)|\[(\d{1,3})\]/gu;

function renderInline(
  text: string,
  renderCitation?: (n: number) => ReactNode,
): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0;
    if (index > last) out.push(text.slice(last, index));
    last = index + match[0].length;
    const [whole, code, strong, em, linkText, href, citation] = match;
    if (code) {
      out.push(<code key={key++}>{code.slice(1, -1)}</code>);
    } else if (strong) {
      out.push(
        <strong key={key++}>
          {renderInline(strong.slice(2, -2), renderCitation)}
        </strong>,
      );
    } else if (em) {
      out.push(
        <em key={key++}>{renderInline(em.slice(1, -1), renderCitation)}</em>,
      );
    } else if (citation) {
      const n = Number(citation);
      out.push(
        <Fragment key={key++}>
          {renderCitation ? renderCitation(n) : whole}
        </Fragment>,
      );
    } else if (whole.startsWith('!')) {
      // Images are not fetched: a document could track its readers.
      out.push(linkText || href);
    } else {
      const safe = safeHref(href ?? '');
      out.push(
        safe ? (
          <a key={key++} href={safe} target="_blank" rel="noopener noreferrer">
            {renderInline(linkText ?? '', renderCitation)}
          </a>
        ) : (
          <Fragment key={key++}>{linkText}</Fragment>
        ),
      );
    }
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
