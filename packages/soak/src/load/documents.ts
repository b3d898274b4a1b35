import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A file as a browser would upload it. */
export interface UploadFile {
  fileName: string;
  contentType: string;
  content: Buffer;
  format: string;
  /** Why the API must refuse it (4xx), for files made to be bad. */
  bad?: string;
}

export const TOPICS = [
  'backups',
  'restores',
  'replicas',
  'invoices',
  'leases',
  'certificates',
  'migrations',
  'alerts',
];

/** Paragraphs about the topics, each carrying the document's tag. */
export function paragraphs(tag: string, count: number, random: () => number) {
  return Array.from({ length: count }, (_, i) => {
    const topic = TOPICS[Math.floor(random() * TOPICS.length)];
    const hours = 1 + Math.floor(random() * 23);
    return `Section ${
      i + 1
    } of ${tag}: the ${topic} are checked every ${hours} hours by the operator on duty, who writes down what was seen and what was done, and opens a ticket when the ${topic} look wrong.`;
  });
}

const GOOD_FORMATS = ['md', 'txt', 'html', 'pdf', 'docx'] as const;

/** A readable document of a random format. */
export async function goodFile(
  tag: string,
  random: () => number,
  large: boolean,
): Promise<UploadFile> {
  const format = GOOD_FORMATS[Math.floor(random() * GOOD_FORMATS.length)];
  // Large ones take more than one embedding request (64 chunks each).
  const texts = paragraphs(
    tag,
    large ? 220 : 4 + Math.floor(random() * 20),
    random,
  );
  const title = `Runbook ${tag}`;
  switch (format) {
    case 'md':
      return text(
        `${tag}.md`,
        'text/markdown',
        `# ${title}\n\n${texts.join('\n\n')}\n`,
        format,
      );
    case 'txt':
      return text(
        `${tag}.txt`,
        'text/plain',
        `${title}\n\n${texts.join('\n\n')}\n`,
        format,
      );
    case 'html':
      return text(
        `${tag}.html`,
        'text/html',
        `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${texts
          .map(p => `<p>${p}</p>`)
          .join('')}</body></html>`,
        format,
      );
    case 'pdf':
      return {
        fileName: `${tag}.pdf`,
        contentType: 'application/pdf',
        content: await pdf(title, texts),
        format,
      };
    default:
      return {
        fileName: `${tag}.docx`,
        contentType:
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        content: await docx(title, texts),
        format,
      };
  }
}

const BAD_FILES = [
  'empty',
  'unsupported type',
  'corrupt pdf',
  'corrupt docx',
  'too large',
] as const;

/**
 * A file the API must refuse with a 4xx and write nothing for, or (corrupt
 * PDF and DOCX, which only a parser finds) accept and fail with the reason.
 */
export function badFile(tag: string, random: () => number): UploadFile {
  const bad = BAD_FILES[Math.floor(random() * BAD_FILES.length)];
  const junk = (size: number) =>
    Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)));
  switch (bad) {
    case 'empty':
      return { ...text(`${tag}.txt`, 'text/plain', '', 'txt'), bad };
    case 'unsupported type':
      return {
        fileName: `${tag}.png`,
        contentType: 'image/png',
        content: Buffer.concat([
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
          junk(512),
        ]),
        format: 'png',
        bad,
      };
    case 'corrupt pdf':
      return {
        fileName: `${tag}.pdf`,
        contentType: 'application/pdf',
        content: Buffer.concat([Buffer.from('%PDF-1.7\n'), junk(2048)]),
        format: 'pdf',
        bad,
      };
    case 'corrupt docx':
      return {
        fileName: `${tag}.docx`,
        contentType:
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        content: Buffer.concat([Buffer.from('PK\x03\x04'), junk(2048)]),
        format: 'docx',
        bad,
      };
    default:
      // Over docuchat.ingestion.maxUploadMegabytes (1 in the soak).
      return {
        ...text(`${tag}.txt`, 'text/plain', `${tag} `.repeat(90_000), 'txt'),
        bad,
      };
  }
}

function text(
  fileName: string,
  contentType: string,
  body: string,
  format: string,
): UploadFile {
  return { fileName, contentType, content: Buffer.from(body, 'utf8'), format };
}

async function pdf(title: string, texts: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const lines = [title, '', ...texts.flatMap(p => [...wrap(p, 90), ''])];
  for (let i = 0; i < lines.length; i += 45) {
    const page = doc.addPage([595, 842]);
    lines.slice(i, i + 45).forEach((line, n) => {
      page.drawText(line, { x: 40, y: 800 - n * 17, size: 10, font });
    });
  }
  return Buffer.from(await doc.save());
}

function wrap(paragraph: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

async function docx(title: string, texts: string[]): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: title, heading: HeadingLevel.HEADING_1 }),
          ...texts.map(p => new Paragraph({ text: p })),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
