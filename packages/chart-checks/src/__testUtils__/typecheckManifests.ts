import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Manifest } from './helm';
import { repoRoot } from './repoPaths';

export type FieldError = { kind: string; name: string; error: string };

function typesModule(apiVersion: string): string {
  return apiVersion === 'monitoring.coreos.com/v1'
    ? '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'
    : `kubernetes-models/${apiVersion}`;
}

/**
 * Strict field check (what kubeconform's --strict does): the schema
 * validators of kubernetes-models accept unknown fields, so a misspelt
 * `readinesProbe` would pass them. Here every manifest becomes an object
 * literal typed with kubernetes-models' interface for its kind, and tsc's
 * excess property checks reject any field the API does not define.
 */
export function typecheckManifests(manifests: Manifest[]): FieldError[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docuchat-tscheck-'));
  try {
    fs.symlinkSync(
      path.join(repoRoot, 'node_modules'),
      path.join(dir, 'node_modules'),
    );
    const lines: string[] = [];
    manifests.forEach((m, i) => {
      lines.push(
        `import type { I${m.kind} as T${i} } from '${typesModule(
          m.apiVersion,
        )}';`,
      );
    });
    const startLines: number[] = [];
    manifests.forEach((m, i) => {
      startLines.push(lines.length + 1);
      lines.push(
        ...`export const m${i}: T${i} = ${JSON.stringify(m, null, 1)};`.split(
          '\n',
        ),
      );
    });
    fs.writeFileSync(path.join(dir, 'manifests.mts'), `${lines.join('\n')}\n`);
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          noEmit: true,
          strict: true,
          skipLibCheck: true,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: [],
        },
        files: ['manifests.mts'],
      }),
    );
    const result = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', dir],
      { cwd: dir, encoding: 'utf8' },
    );
    const errors: FieldError[] = [];
    for (const match of result.stdout.matchAll(
      /^manifests\.mts\((\d+),\d+\): error (TS\d+: .*)$/gm,
    )) {
      const line = Number(match[1]);
      const index = startLines.filter(start => start <= line).length - 1;
      const m = manifests[index];
      errors.push({
        kind: m?.kind ?? '(imports)',
        name: m?.metadata?.name ?? '',
        error: match[2],
      });
    }
    if (result.status !== 0 && errors.length === 0) {
      throw new Error(`tsc failed: ${result.stdout}${result.stderr}`);
    }
    return errors;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
