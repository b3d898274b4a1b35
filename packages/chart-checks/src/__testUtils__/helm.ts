import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { helmBinary } from './helmBinary';
import { chartDir } from './repoPaths';

/** A rendered Kubernetes object. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    // Absent on some objects; tests index them directly and fail if so.
    labels?: any;
    annotations?: any;
  };
  [key: string]: any;
};

export type RenderOptions = {
  /** Values files, in order. */
  valuesFiles?: string[];
  /** Values given inline (written to a values file, after valuesFiles). */
  values?: Record<string, unknown>;
  /** Another chart directory (a copy with extra files). */
  chart?: string;
  release?: string;
  namespace?: string;
};

export const defaultRelease = 'docuchat';
export const defaultNamespace = 'docuchat';

// Helm's own caches and config in one temp dir, not the user's home.
const helmHome = fs.mkdtempSync(path.join(os.tmpdir(), 'docuchat-helm-home-'));
const helmEnv = {
  ...process.env,
  HELM_CACHE_HOME: path.join(helmHome, 'cache'),
  HELM_CONFIG_HOME: path.join(helmHome, 'config'),
  HELM_DATA_HOME: path.join(helmHome, 'data'),
};

/** Runs helm; returns its exit status and output. */
export function helm(args: string[]): {
  status: number;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(helmBinary(), args, {
    encoding: 'utf8',
    env: helmEnv,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return {
    status: result.status ?? 1,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

function valuesArgs(options: RenderOptions): string[] {
  const args = (options.valuesFiles ?? []).flatMap(file => ['-f', file]);
  if (options.values) {
    const file = path.join(
      fs.mkdtempSync(path.join(helmHome, 'values-')),
      'values.yaml',
    );
    fs.writeFileSync(file, YAML.stringify(options.values));
    args.push('-f', file);
  }
  return args;
}

/** `helm template`: the manifests, or an Error carrying helm's message. */
export function renderChart(options: RenderOptions = {}): Manifest[] {
  const result = helm([
    'template',
    options.release ?? defaultRelease,
    options.chart ?? chartDir,
    '--namespace',
    options.namespace ?? defaultNamespace,
    ...valuesArgs(options),
  ]);
  if (result.status !== 0) {
    throw new Error(result.stderr.trim());
  }
  return YAML.parseAllDocuments(result.stdout)
    .map(document => document.toJS())
    .filter(Boolean);
}

/** The error message `helm template` fails with (throws if it renders). */
export function renderError(options: RenderOptions): string {
  try {
    renderChart(options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected helm template to fail, but it rendered');
}

/** `helm lint --strict`. */
export function lintChart(options: RenderOptions = {}) {
  return helm([
    'lint',
    '--strict',
    options.chart ?? chartDir,
    ...valuesArgs(options),
  ]);
}

/** The object of a kind and name; throws when it was not rendered. */
export function find(
  manifests: Manifest[],
  kind: string,
  name: string,
): Manifest {
  const found = manifests.find(
    m => m.kind === kind && m.metadata.name === name,
  );
  if (!found) {
    const have = manifests.map(m => `${m.kind}/${m.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} among ${have}`);
  }
  return found;
}

/** A copy of the chart in a temp dir, with extra files written into it. */
export function chartCopy(files: Record<string, string>): string {
  const dir = path.join(
    fs.mkdtempSync(path.join(helmHome, 'chart-')),
    'docuchat',
  );
  fs.cpSync(chartDir, dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}
