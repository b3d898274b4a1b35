import { crc32, deflateRawSync, constants as zlib } from 'node:zlib';

/**
 * The hostile uploads of issue 23, generated (no binaries in the
 * repository), each well under the 20 MB upload limit.
 */

/** A valid PDF of `pages` pages that all share one small content stream. */
export function pdfWithPages(pages: number): Buffer {
  const objects: string[] = [];
  const kids = Array.from({ length: pages }, (_, i) => `${5 + i} 0 R`);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Count ${pages} /Kids [${kids.join(' ')}] >>`;
  const content = 'BT /F1 12 Tf 72 720 Td (A page of a very long PDF.) Tj ET';
  objects[3] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  for (let i = 0; i < pages; i++) {
    objects[5 + i] =
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>';
  }
  const parts = ['%PDF-1.4\n'];
  let length = parts[0].length;
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = length;
    const object = `${n} 0 obj\n${objects[n]}\nendobj\n`;
    parts.push(object);
    length += object.length;
  }
  const xref = [
    'xref',
    `0 ${objects.length}`,
    '0000000000 65535 f ',
    ...offsets.slice(1).map(o => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length} /Root 1 0 R >>`,
    'startxref',
    String(length),
    '%%EOF',
  ];
  parts.push(`${xref.join('\n')}\n`);
  return Buffer.from(parts.join(''), 'latin1');
}

/** HTML with `depth` `<div>`s nested inside each other. */
export function deeplyNestedHtml(depth: number): Buffer {
  return Buffer.from(
    `<!doctype html><html><body>${'<div>'.repeat(depth)}deep${'</div>'.repeat(
      depth,
    )}</body></html>`,
  );
}

/** Markdown of `bytes` pseudo-random letters on one line, without a space. */
export function oneLineMarkdown(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let state = 23;
  for (let i = 0; i < bytes; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    out[i] = 97 + ((state >> 16) % 26);
  }
  return out;
}

/** Text that is not valid UTF-8 (a lone continuation byte, a cut sequence). */
export function invalidUtf8Text(): Buffer {
  return Buffer.concat([
    Buffer.from('Quarterly report\n\nRevenue grew '),
    Buffer.from([0x80, 0xc3, 0x28, 0xe2, 0x82]),
    Buffer.from(' in the third quarter.\n'),
  ]);
}

interface ZipMember {
  name: string;
  /** Raw deflate data, or the plain bytes of a stored member. */
  data: Buffer;
  deflated: boolean;
  crc: number;
  size: number;
}

function deflatedMember(name: string, content: string | Buffer): ZipMember {
  const bytes = Buffer.from(content);
  return {
    name,
    data: deflateRawSync(bytes),
    deflated: true,
    crc: crc32(bytes),
    size: bytes.length,
  };
}

/** A ZIP archive of the members, as Word writes one (no ZIP64). */
function zip(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const member of members) {
    const name = Buffer.from(member.name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(member.deflated ? 8 : 0, 8);
    header.writeUInt32LE(member.crc >>> 0, 14);
    header.writeUInt32LE(member.data.length, 18);
    header.writeUInt32LE(Math.min(member.size, 0xfffffffe), 22);
    header.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(member.deflated ? 8 : 0, 10);
    central.writeUInt32LE(member.crc >>> 0, 16);
    central.writeUInt32LE(member.data.length, 20);
    central.writeUInt32LE(Math.min(member.size, 0xfffffffe), 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(header, name, member.data);
    centrals.push(central, name);
    offset += header.length + name.length + member.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const DOCUMENT_START = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>`;
const DOCUMENT_END = '</w:body></w:document>';

/** The parts every DOCX needs besides word/document.xml. */
function docxPackage(document: ZipMember): Buffer {
  return zip([
    deflatedMember(
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    deflatedMember(
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    document,
  ]);
}

/** A DOCX of these paragraphs. */
export function docxWithParagraphs(paragraphs: string[]): Buffer {
  const body = paragraphs
    .map(p => `<w:p><w:r><w:t>${escapeXml(p)}</w:t></w:r></w:p>`)
    .join('');
  return docxPackage(
    deflatedMember(
      'word/document.xml',
      `${DOCUMENT_START}${body}${DOCUMENT_END}`,
    ),
  );
}

/**
 * A DOCX whose word/document.xml inflates to about `inflatedBytes` (1.2 GB
 * in the issue) from a few megabytes: one deflate block of 64 MB of
 * paragraphs, ended with a full flush so it stands alone, repeated.
 */
export function docxBomb(inflatedBytes: number): Buffer {
  const paragraph = Buffer.from('<w:p><w:r><w:t>bomb</w:t></w:r></w:p>');
  const block = Buffer.alloc(
    Math.floor((64 * 1024 * 1024) / paragraph.length) * paragraph.length,
    paragraph,
  );
  const repeats = Math.max(1, Math.round(inflatedBytes / block.length));
  const flush = { finishFlush: zlib.Z_FULL_FLUSH };
  const start = Buffer.from(DOCUMENT_START);
  const end = Buffer.from(DOCUMENT_END);
  const deflatedBlock = deflateRawSync(block, flush);
  const data = Buffer.concat([
    deflateRawSync(start, flush),
    ...Array(repeats).fill(deflatedBlock),
    deflateRawSync(end), // the final block
  ]);
  let crc = crc32(start);
  for (let i = 0; i < repeats; i++) crc = crc32(block, crc);
  crc = crc32(end, crc);
  return docxPackage({
    name: 'word/document.xml',
    data,
    deflated: true,
    crc,
    size: start.length + repeats * block.length + end.length,
  });
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
