import { HTMLElement, NodeType } from 'node-html-parser';
import { DocumentLimitError, formatCount } from './parseLimits';

/**
 * Fails a parsed HTML tree nested more than `max` elements deep, measured
 * without recursion: the walk that turns the tree into blocks (and
 * node-html-parser's own `.text` and selectors) recurse once per level, and
 * 200,000 nested `<div>`s would exhaust the stack.
 */
export function assertHtmlDepthWithin(root: HTMLElement, max: number): void {
  const stack: Array<{ element: HTMLElement; depth: number }> = [
    { element: root, depth: 0 },
  ];
  while (stack.length > 0) {
    const { element, depth } = stack.pop()!;
    if (depth > max) {
      throw new DocumentLimitError(
        'nesting-depth',
        `The HTML nests elements more than ${formatCount(max)} levels deep`,
      );
    }
    for (const child of element.childNodes) {
      if (child.nodeType === NodeType.ELEMENT_NODE) {
        stack.push({ element: child as HTMLElement, depth: depth + 1 });
      }
    }
  }
}

const LT = 0x3c;
const GT = 0x3e;
const BANG = 0x21;
const QUESTION = 0x3f;
const SLASH = 0x2f;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const COMMENT_OPEN = Buffer.from('<!--');
const COMMENT_CLOSE = Buffer.from('-->');
const CDATA_OPEN = Buffer.from('<![CDATA[');
const CDATA_CLOSE = Buffer.from(']]>');

/**
 * Fails XML nested more than `max` elements deep, by a linear scan of its
 * tags (XML closes every element, so the count is exact): mammoth converts
 * a DOCX's XML with recursive walks. Scans the bytes, not a decoded string:
 * every byte this looks for is ASCII, which UTF-8 never uses inside a
 * multi-byte character.
 */
export function assertXmlDepthWithin(
  xml: Buffer,
  max: number,
  part: string,
): void {
  let depth = 0;
  let i = xml.indexOf(LT);
  while (i >= 0) {
    const next = xml[i + 1];
    if (next === BANG || next === QUESTION) {
      // Comments, CDATA, declarations and processing instructions nest
      // nothing; skip to their end.
      let close = xml.indexOf(GT, i + 2);
      if (xml.subarray(i, i + 4).equals(COMMENT_OPEN)) {
        close = xml.indexOf(COMMENT_CLOSE, i + 4);
      } else if (xml.subarray(i, i + 9).equals(CDATA_OPEN)) {
        close = xml.indexOf(CDATA_CLOSE, i + 9);
      }
      if (close < 0) return;
      i = xml.indexOf(LT, close + 1);
      continue;
    }
    const end = tagEnd(xml, i + 1);
    if (end < 0) return;
    if (next === SLASH) {
      depth--;
    } else if (xml[end - 1] !== SLASH) {
      depth++;
      if (depth > max) {
        throw new DocumentLimitError(
          'nesting-depth',
          `The document's ${part} nests elements more than ${formatCount(
            max,
          )} levels deep`,
        );
      }
    }
    i = xml.indexOf(LT, end + 1);
  }
}

/** The `>` closing the tag whose name starts at `from`, skipping quoted attribute values. */
function tagEnd(xml: Buffer, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i++) {
    const code = xml[i];
    if (quote) {
      if (code === quote) quote = 0;
    } else if (code === QUOTE || code === APOSTROPHE) {
      quote = code;
    } else if (code === GT) {
      return i;
    }
  }
  return -1;
}
