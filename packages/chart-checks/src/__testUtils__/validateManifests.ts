import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Manifest } from './helm';

export type SchemaError = {
  index: number;
  kind: string;
  name: string;
  error: string;
};

/**
 * Validates manifests against kubernetes-models and
 * @kubernetes-models/prometheus-operator (ES modules only: run in a child
 * Node process, see validateManifests.mjs). Returns the errors, empty when
 * every manifest is valid.
 */
export function validateManifests(manifests: unknown[]): SchemaError[] {
  const result = spawnSync(
    process.execPath,
    // Tests run from the source tree; this package is never bundled.
    // eslint-disable-next-line no-restricted-syntax
    [path.join(__dirname, 'validateManifests.mjs')],
    {
      input: JSON.stringify(manifests),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.status !== 0) {
    throw new Error(`validateManifests.mjs failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

export type { Manifest };
