import path from 'node:path';
import { definePDFJSModule } from 'unpdf';

let loaded: Promise<void> | undefined;

/**
 * Points unpdf at the PDF.js build it ships (`unpdf/dist/pdfjs.mjs`), loaded
 * with `require`, once per process.
 *
 * Why not unpdf's default: its CommonJS entry loads that same file with a
 * dynamic `import()`, which Jest cannot run unless Node is started with
 * `--experimental-vm-modules`. `require` works in both places: Node ≥ 22.12
 * loads ES modules synchronously with `require` (the bundle has no top-level
 * await), and Jest transpiles the `.mjs` to CommonJS.
 *
 * Why it works offline: that bundle is PDF.js's "serverless" build. It parses
 * on the calling thread through an in-process fake worker, so nothing is
 * fetched (no worker script, no CDN), and text extraction needs no font or
 * CMap files for the standard encodings.
 */
export function ensurePdfjsLoaded(): Promise<void> {
  loaded ??= definePDFJSModule(async () =>
    // The "./pdfjs" export has only an `import` condition, so resolve the
    // package entry and take the sibling file instead.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(path.dirname(require.resolve('unpdf')), 'pdfjs.mjs')),
  );
  return loaded;
}
