import path from 'node:path';

/** The repository's root (this package lives in packages/chart-checks). */
// Tests run from the source tree; this package is never bundled.
// eslint-disable-next-line no-restricted-syntax
export const repoRoot = path.resolve(__dirname, '../../../..');

/** The DocuChat chart. */
export const chartDir = path.join(repoRoot, 'charts/docuchat');

/** The production example values file. */
export const productionValues = path.join(
  chartDir,
  'examples/production-values.yaml',
);
