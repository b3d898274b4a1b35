import {
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
} from 'docx';
import { UnreadableDocumentError } from './errors';
import { parseDocx } from './parseDocx';
import { expectConsistentOffsets, outline } from './__testUtils__/testHelpers';

const PERSIAN = 'سلام دنیا، این یک متن فارسی است که می\u200cخواهیم حفظ شود.';

/** A real DOCX written by the `docx` package, as Word would store it. */
async function makeDocx(children: Array<Paragraph | Table>): Promise<Buffer> {
  const doc = new Document({
    styles: {
      paragraphStyles: [
        {
          id: 'Code',
          name: 'Code',
          basedOn: 'Normal',
          run: { font: 'Courier New' },
        },
      ],
    },
    numbering: {
      config: [
        {
          reference: 'steps',
          levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.' }],
        },
      ],
    },
    sections: [{ children }],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}

const cell = (text: string) =>
  new TableCell({ children: [new Paragraph(text)] });

describe('parseDocx', () => {
  it('keeps headings, lists, code paragraphs and tables through mammoth', async () => {
    const bytes = await makeDocx([
      new Paragraph({ text: 'Runbook', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({
        children: [
          new TextRun('Restore the database '),
          new TextRun({ text: 'only', bold: true }),
          new TextRun(' after a backup & a check.'),
        ],
      }),
      new Paragraph({ text: 'Steps', heading: HeadingLevel.HEADING_2 }),
      new Paragraph({ text: 'Scale down', bullet: { level: 0 } }),
      new Paragraph({ text: 'Restore', bullet: { level: 0 } }),
      new Paragraph({ text: 'from the latest dump', bullet: { level: 1 } }),
      new Paragraph({
        text: 'Verify',
        numbering: { reference: 'steps', level: 0 },
      }),
      new Paragraph({
        text: 'kubectl scale deploy/docuchat --replicas=0',
        style: 'Code',
      }),
      new Paragraph({ text: 'pg_restore -d docuchat dump.sql', style: 'Code' }),
      new Table({
        rows: [
          new TableRow({ children: [cell('Step'), cell('Owner')] }),
          new TableRow({ children: [cell('Restore'), cell('SRE')] }),
        ],
      }),
      new Paragraph({ text: PERSIAN, bidirectional: true }),
    ]);
    const doc = await parseDocx(bytes);
    expect(outline(doc)).toEqual([
      ['h1', 'Runbook'],
      ['paragraph', 'Restore the database only after a backup & a check.'],
      ['h2', 'Steps'],
      ['list-item', '- Scale down'],
      ['list-item', '- Restore'],
      ['list-item', '  - from the latest dump'],
      ['list-item', '1. Verify'],
      [
        'code',
        'kubectl scale deploy/docuchat --replicas=0\npg_restore -d docuchat dump.sql',
      ],
      ['table-row', 'Step | Owner'],
      ['table-row', 'Restore | SRE'],
      ['paragraph', PERSIAN],
    ]);
    expectConsistentOffsets(doc);
  });

  it('reports a truncated DOCX as corrupt with a message', async () => {
    const bytes = await makeDocx([new Paragraph('hello')]);
    const error = await parseDocx(bytes.subarray(0, bytes.length / 2)).catch(
      e => e,
    );
    expect(error).toBeInstanceOf(UnreadableDocumentError);
    expect(error.reason).toBe('corrupt');
    expect(error.message).toMatch(/not a readable DOCX/);
  });

  it('reports bytes that are not a zip at all as corrupt', async () => {
    const error = await parseDocx(Buffer.from('plain text, not a docx')).catch(
      e => e,
    );
    expect(error).toBeInstanceOf(UnreadableDocumentError);
    expect(error.reason).toBe('corrupt');
  });

  it('reports a DOCX without text', async () => {
    const error = await parseDocx(await makeDocx([new Paragraph('')])).catch(
      e => e,
    );
    expect(error).toBeInstanceOf(UnreadableDocumentError);
    expect(error.reason).toBe('no-text');
  });
});
