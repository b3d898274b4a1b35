import type { StructuredTextItem } from 'unpdf';

/** A run of lines that belong together on one page. */
export interface PdfParagraph {
  text: string;
  /** Font size of the paragraph's first line, in PDF points. */
  fontSize: number;
  lineCount: number;
}

interface Line {
  text: string;
  y: number;
  fontSize: number;
}

/**
 * Rebuilds paragraphs from one page's positioned text items. PDF has no
 * paragraphs, only glyph runs at coordinates, so: items become lines at each
 * end-of-line mark (or when the baseline moves), and lines become paragraphs
 * unless the gap to the previous line is wider than ordinary line spacing or
 * the font size changes (a heading above body text).
 */
export function pdfPageParagraphs(items: StructuredTextItem[]): PdfParagraph[] {
  return groupLines(toLines(items));
}

function toLines(items: StructuredTextItem[]): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  const end = () => {
    if (current && current.text.trim()) {
      lines.push({
        ...current,
        text: current.text.replace(/\s+/g, ' ').trim(),
      });
    }
    current = undefined;
  };
  for (const item of items) {
    if (
      current &&
      item.str &&
      Math.abs(item.y - current.y) >
        0.5 * Math.max(current.fontSize, item.fontSize, 1)
    ) {
      end(); // The baseline moved: a new line without an end-of-line mark.
    }
    if (item.str) {
      if (!current) {
        current = { text: '', y: item.y, fontSize: item.fontSize };
      }
      current.text += item.str;
      current.fontSize = Math.max(current.fontSize, item.fontSize);
    }
    if (item.hasEOL) {
      end();
    }
  }
  end();
  return lines;
}

// Ordinary leading is about 1.2× the font size; a wider gap is a paragraph
// break (blank line or paragraph spacing).
const PARAGRAPH_GAP = 1.5;
// Font size changes beyond this ratio separate a heading from its body.
const FONT_CHANGE = 1.15;

function groupLines(lines: Line[]): PdfParagraph[] {
  const paragraphs: PdfParagraph[] = [];
  let current: (PdfParagraph & { last: Line }) | undefined;
  for (const line of lines) {
    if (current) {
      const gap = current.last.y - line.y;
      const size = Math.max(current.last.fontSize, line.fontSize, 1);
      const ratio =
        Math.max(line.fontSize, current.last.fontSize) /
        Math.max(Math.min(line.fontSize, current.last.fontSize), 0.1);
      // gap <= 0: the text moved up (next column, text box): new paragraph.
      if (gap > 0 && gap <= PARAGRAPH_GAP * size && ratio < FONT_CHANGE) {
        // A line ending in a hyphen continues the word on the next line.
        current.text += current.text.endsWith('-')
          ? line.text
          : ` ${line.text}`;
        current.lineCount += 1;
        current.last = line;
        continue;
      }
      paragraphs.push(strip(current));
    }
    current = {
      text: line.text,
      fontSize: line.fontSize,
      lineCount: 1,
      last: line,
    };
  }
  if (current) {
    paragraphs.push(strip(current));
  }
  return paragraphs;
}

function strip({ text, fontSize, lineCount }: PdfParagraph): PdfParagraph {
  return { text, fontSize, lineCount };
}
