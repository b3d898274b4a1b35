import { deflateRawSync } from 'node:zlib';
import { UnreadableDocumentError } from './errors';
import { assertXmlDepthWithin } from './nestingDepth';
import { DEFAULT_PARSE_LIMITS, DocumentLimitError } from './parseLimits';
import { parseDocx } from './parseDocx';
import { assertZipWithin } from './zipLimits';
import { docxBomb, docxWithParagraphs } from './__testUtils__/hostileDocuments';

const MB = 1024 * 1024;
const limits = { maxInflatedBytes: 10 * MB, maxNestingDepth: 50 };

function failure(run: () => unknown): Error | undefined {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('zip limits', () => {
  it('passes an ordinary DOCX, which then parses', async () => {
    const docx = docxWithParagraphs(['First paragraph.', 'Second one.']);
    expect(failure(() => assertZipWithin(docx, limits))).toBeUndefined();
    expect((await parseDocx(docx)).text).toBe(
      'First paragraph.\n\nSecond one.',
    );
  });

  it('stops inflating at the limit, whatever the member declares', () => {
    const error = failure(() => assertZipWithin(docxBomb(200 * MB), limits));
    expect(error).toBeInstanceOf(DocumentLimitError);
    expect(error).toMatchObject({ limit: 'inflated-bytes' });
    expect(error!.message).toBe(
      "The DOCX document's contents inflate to more than 10 MB, the limit (docuchat.ingestion.limits.maxInflatedMegabytes)",
    );
    // The declared size says nothing: the check is on what inflates.
    const lying = docxBomb(200 * MB);
    const central = lying.lastIndexOf(Buffer.from('word/document.xml')) - 46;
    lying.writeUInt32LE(1024, central + 24);
    expect(failure(() => assertZipWithin(lying, limits))).toMatchObject({
      limit: 'inflated-bytes',
    });
  });

  it('refuses what it cannot check exactly as corrupt', () => {
    const docx = docxWithParagraphs(['Text.']);
    const end = docx.length - 22;
    const zip64 = Buffer.from(docx);
    zip64.writeUInt32LE(0xffffffff, end + 16);
    const shifted = Buffer.from(docx);
    shifted.writeUInt32LE(docx.readUInt32LE(end + 16) + 7, end + 16);
    const encrypted = Buffer.from(docx);
    encrypted.writeUInt16LE(1, docx.readUInt32LE(end + 16) + 8);
    for (const [bytes, reason, message] of [
      [zip64, 'corrupt', /ZIP64/],
      [shifted, 'corrupt', /central directory is damaged/],
      [docx.subarray(0, 100), 'corrupt', /not a ZIP archive/],
      [encrypted, 'encrypted', /encrypted/],
    ] as const) {
      const error = failure(() => assertZipWithin(bytes, limits));
      expect(error).toBeInstanceOf(UnreadableDocumentError);
      expect(error).toMatchObject({ reason });
      expect(error!.message).toMatch(message);
    }
  });

  it('measures XML nesting exactly, in a DOCX too', () => {
    const xml = (depth: number) =>
      Buffer.from(
        `<?xml version="1.0"?><!-- <a><a><a> --><r a="x>y" b='<z>'>${'<e>'.repeat(
          depth - 1,
        )}<br/><![CDATA[<c><c><c>]]>${'</e>'.repeat(depth - 1)}</r>`,
      );
    expect(failure(() => assertXmlDepthWithin(xml(50), 50, 'x'))).toBe(
      undefined,
    );
    expect(failure(() => assertXmlDepthWithin(xml(51), 50, 'x'))).toMatchObject(
      { limit: 'nesting-depth' },
    );
    const deep = docxWithParagraphs(['Text.']);
    const nested = Buffer.from(
      `<w:document xmlns:w="x"><w:body>${'<w:tbl><w:tr><w:tc>'.repeat(
        100,
      )}<w:p/>${'</w:tc></w:tr></w:tbl>'.repeat(100)}</w:body></w:document>`,
    );
    const error = failure(() =>
      assertZipWithin(replaceDocumentXml(deep, nested), DEFAULT_PARSE_LIMITS),
    );
    expect(error!.message).toBe(
      "The document's word/document.xml nests elements more than 256 levels deep (docuchat.ingestion.limits.maxNestingDepth)",
    );
  });
});

/** The DOCX with its word/document.xml (the last member) replaced. */
function replaceDocumentXml(docx: Buffer, xml: Buffer): Buffer {
  const name = Buffer.from('word/document.xml');
  const local = docx.indexOf(name) - 30;
  const data = deflateRawSync(xml);
  const header = Buffer.from(docx.subarray(local, local + 30));
  header.writeUInt32LE(0, 14); // CRC: not checked here
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(xml.length, 22);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(xml.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(local, 42);
  // Keep the other members' directory entries as they are.
  const end = docx.length - 22;
  const directory = docx.readUInt32LE(end + 16);
  const before = docx.subarray(directory, docx.lastIndexOf(name) - 46);
  const localsEnd = local + 30 + name.length + data.length;
  const eocd = Buffer.from(docx.subarray(end));
  const directoryBytes = Buffer.concat([before, central, name]);
  eocd.writeUInt32LE(directoryBytes.length, 12);
  eocd.writeUInt32LE(localsEnd, 16);
  return Buffer.concat([
    docx.subarray(0, local),
    header,
    name,
    data,
    directoryBytes,
    eocd,
  ]);
}
