#!/usr/bin/env node
// Static checks of the app DocuChat was installed into:
//  - one copy of each @backstage/* package in node_modules (at any depth),
//    and each published DocuChat package (packages.mjs) once, from the
//    registry (no workspace link);
//  - `backstage-cli config:check` passes on the app's config, and fails on
//    a DocuChat config value of the wrong type (the published schema is read).
//
// Usage: node check-app.mjs <app dir>
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedPackages } from './packages.mjs';

const [appDir] = process.argv.slice(2);
if (!appDir) {
  console.error('usage: check-app.mjs <app dir>');
  process.exit(2);
}
const failures = [];

/** Every package.json under node_modules folders, at any depth. */
function* installedPackages(dir) {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return;
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const names = entry.name.startsWith('@')
      ? readdirSync(join(modules, entry.name)).map(n => `${entry.name}/${n}`)
      : [entry.name];
    for (const name of names) {
      const path = join(modules, name);
      const manifest = join(path, 'package.json');
      if (existsSync(manifest)) {
        const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
        yield { name, version, path };
      }
      yield* installedPackages(path);
    }
  }
}

const copies = new Map();
for (const workspace of ['.', 'packages/app', 'packages/backend']) {
  for (const pkg of installedPackages(join(appDir, workspace))) {
    if (!/^@(backstage|docuchat)\//.test(pkg.name)) continue;
    if (!copies.has(pkg.name)) copies.set(pkg.name, new Map());
    copies.get(pkg.name).set(pkg.version, pkg.path);
  }
}
const backstage = [...copies].filter(([n]) => n.startsWith('@backstage/'));
const docuchat = [...copies].filter(([n]) => n.startsWith('@docuchat/'));
for (const [name, versions] of copies) {
  if (versions.size > 1) {
    failures.push(
      `${name}: ${versions.size} copies (${[...versions.keys()].join(', ')})`,
    );
  }
}
console.log(
  `@backstage/* packages in the app: ${
    backstage.length
  }, with more than one version: ${
    backstage.filter(([, v]) => v.size > 1).length
  }`,
);
console.log(
  `@docuchat/* packages in the app: ${docuchat
    .map(([n, v]) => `${n}@${[...v.keys()].join('|')}`)
    .join(', ')}`,
);
const expected = publishedPackages().map(p => p.name);
const missing = expected.filter(name => !copies.has(name));
const unexpected = docuchat.map(([n]) => n).filter(n => !expected.includes(n));
if (missing.length || unexpected.length) {
  failures.push(
    `the app's DocuChat packages differ from the published ones: missing ${
      missing.join(', ') || 'none'
    }; not published here ${unexpected.join(', ') || 'none'}`,
  );
}

// The installed packages are the ones this run built and published, not an
// older build of the same version (from a cache, or a registry's storage).
const ROOT = new URL('../..', import.meta.url).pathname;
const filesUnder = dir =>
  readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name)).map(f => `${entry.name}/${f}`)
      : [entry.name],
  );
for (const { dir, name } of publishedPackages()) {
  const installed = copies.get(name)?.values().next().value;
  if (!installed) continue;
  const built = join(ROOT, 'plugins', dir, 'dist');
  const differing = filesUnder(built).filter(
    file =>
      !/\.(test|spec)\./.test(file) &&
      (!existsSync(join(installed, 'dist', file)) ||
        !readFileSync(join(installed, 'dist', file)).equals(
          readFileSync(join(built, file)),
        )),
  );
  if (differing.length) {
    failures.push(
      `${name}: ${
        differing.length
      } file(s) of dist/ differ from this build (${differing
        .slice(0, 3)
        .join(', ')}): an older build of the same version was installed`,
    );
  }
}
if (!failures.length) {
  console.log(
    "the app's DocuChat packages are this build's (dist/ file by file)",
  );
}

const configCheck = (...extra) =>
  spawnSync(
    'yarn',
    [
      'backstage-cli',
      'config:check',
      '--lax',
      '--strict',
      '--config',
      'app-config.yaml',
      ...extra,
    ],
    { cwd: appDir, encoding: 'utf8' },
  );
const ok = configCheck();
if (ok.status !== 0) {
  failures.push(
    `config:check failed on the app's config:\n${ok.stdout}${ok.stderr}`,
  );
} else {
  console.log("config:check passes on the app's config");
}
writeFileSync(
  join(appDir, 'app-config.schema-error.yaml'),
  'docuchat:\n  permissions:\n    operatorsGroup: [not, a, string]\n',
);
const bad = configCheck('--config', 'app-config.schema-error.yaml');
const said = `${bad.stdout}${bad.stderr}`;
if (bad.status === 0 || !/operatorsGroup/.test(said)) {
  failures.push(
    `config:check accepted a wrong docuchat.permissions.operatorsGroup (exit ${bad.status}):\n${said}`,
  );
} else {
  console.log(
    `config:check refuses a wrong DocuChat value: ${said
      .split('\n')
      .find(l => /operatorsGroup/.test(l))
      ?.trim()}`,
  );
}
execFileSync('rm', ['-f', join(appDir, 'app-config.schema-error.yaml')]);

if (failures.length) {
  console.error(`check-app: ${failures.length} problem(s):`);
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
