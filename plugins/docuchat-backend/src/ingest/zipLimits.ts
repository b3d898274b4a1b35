import { inflateRawSync } from 'node:zlib';
import { UnreadableDocumentError } from './errors';
import { assertXmlDepthWithin } from './nestingDepth';
import { DocumentLimitError, formatCount, ParseLimits } from './parseLimits';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/**
 * Checks a ZIP archive (a DOCX) before a parser inflates it: every member is
 * inflated here with what is left of `maxInflatedBytes` as zlib's output
 * limit, so a member that claims 1 KB and inflates to a gigabyte stops at
 * the limit (a member's declared size is not trusted), and every XML member
 * is scanned for its nesting depth (mammoth walks it recursively).
 *
 * The archive must be one this reader understands exactly as mammoth's
 * unzipper (JSZip) does: the central directory where the end record says,
 * stored or deflated members, no ZIP64, no encryption. Anything else is
 * refused as corrupt rather than handed on unchecked.
 */
export function assertZipWithin(
  bytes: Uint8Array,
  limits: Pick<ParseLimits, 'maxInflatedBytes' | 'maxNestingDepth'>,
): void {
  const zip = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndOfCentralDirectory(zip);
  const entries = zip.readUInt16LE(end + 10);
  const directoryOffset = zip.readUInt32LE(end + 16);
  if (entries === 0xffff || directoryOffset === 0xffffffff) {
    throw corrupt('it is a ZIP64 archive, which Word never writes');
  }
  let inflated = 0;
  let at = directoryOffset;
  for (let i = 0; i < entries; i++) {
    if (
      at + 46 > zip.length ||
      zip.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY
    ) {
      throw corrupt('its central directory is damaged');
    }
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    if (flags & 1) {
      throw new UnreadableDocumentError(
        'encrypted',
        'The DOCX document is encrypted; upload an unprotected copy',
      );
    }
    if (
      localOffset + 30 > zip.length ||
      zip.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER
    ) {
      throw corrupt(`member ${name} is missing`);
    }
    const dataStart =
      localOffset +
      30 +
      zip.readUInt16LE(localOffset + 26) +
      zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (data.length !== compressedSize) {
      throw corrupt(`member ${name} is cut short`);
    }

    const left = limits.maxInflatedBytes - inflated;
    let content: Buffer;
    if (method === STORED) {
      content = data;
      if (content.length > left) throw tooLarge(limits.maxInflatedBytes);
    } else if (method === DEFLATED) {
      try {
        content = inflateRawSync(data, { maxOutputLength: Math.max(1, left) });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          throw tooLarge(limits.maxInflatedBytes);
        }
        throw corrupt(`member ${name} does not inflate`);
      }
    } else {
      throw corrupt(`member ${name} uses compression method ${method}`);
    }
    inflated += content.length;
    if (/\.(?:xml|rels)$/i.test(name)) {
      assertXmlDepthWithin(content, limits.maxNestingDepth, name);
    }
  }
}

/** The end record: the last signature within its largest possible size. */
function findEndOfCentralDirectory(zip: Buffer): number {
  const earliest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= earliest; at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw corrupt('it is not a ZIP archive');
}

function corrupt(why: string): UnreadableDocumentError {
  return new UnreadableDocumentError(
    'corrupt',
    `The file is not a readable DOCX document: ${why}`,
  );
}

function tooLarge(limit: number): DocumentLimitError {
  return new DocumentLimitError(
    'inflated-bytes',
    `The DOCX document's contents inflate to more than ${formatCount(
      limit / (1024 * 1024),
    )} MB, the limit`,
  );
}
