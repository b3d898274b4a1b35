import { checkUpload } from './checkUpload';
import { UnreadableDocumentError, UnsupportedMediaTypeError } from './errors';
import {
  docxWithParagraphs,
  invalidUtf8Text,
  pdfWithPages,
} from './__testUtils__/hostileDocuments';

const DOCX =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function rejection(bytes: Buffer, contentType: string) {
  try {
    checkUpload(bytes, { contentType });
  } catch (error) {
    return error as UnreadableDocumentError;
  }
  return undefined;
}

describe('checkUpload', () => {
  it('passes what only parsing can judge, and names the format', () => {
    expect(
      checkUpload(pdfWithPages(20_000), { contentType: 'application/pdf' }),
    ).toBe('pdf');
    expect(checkUpload(docxWithParagraphs(['x']), { contentType: DOCX })).toBe(
      'docx',
    );
    expect(
      checkUpload(Buffer.from('<div>'.repeat(1000)), {
        contentType: 'text/html',
      }),
    ).toBe('html');
    expect(
      checkUpload(Buffer.from('# Notes'), {
        contentType: 'application/octet-stream',
        fileName: 'notes.md',
      }),
    ).toBe('markdown');
    // Not UTF-8, but valid in the charset it declares.
    expect(
      checkUpload(Buffer.from([0xc7, 0xe1, 0xd3, 0xe1, 0xc7, 0xe3]), {
        contentType: 'text/plain; charset=windows-1256',
      }),
    ).toBe('text');
  });

  it('refuses what a glance shows is wrong', () => {
    expect(rejection(invalidUtf8Text(), 'text/plain')).toMatchObject({
      reason: 'encoding',
      message: expect.stringMatching(/not valid utf-8/),
    });
    expect(
      rejection(Buffer.from('text\u0000with NUL'), 'text/markdown'),
    ).toMatchObject({
      reason: 'encoding',
      message: expect.stringMatching(/NUL/),
    });
    expect(rejection(Buffer.from('GIF89a'), 'application/pdf')).toMatchObject({
      reason: 'corrupt',
    });
    expect(rejection(Buffer.from('%PDF'), 'application/pdf')).toMatchObject({
      reason: 'corrupt',
    });
    expect(rejection(Buffer.from('not a zip'), DOCX)).toMatchObject({
      reason: 'corrupt',
    });
    expect(rejection(Buffer.alloc(0), 'text/plain')).toMatchObject({
      reason: 'empty',
    });
    expect(rejection(Buffer.from('x'), 'image/gif')).toBeInstanceOf(
      UnsupportedMediaTypeError,
    );
  });
});
