#!/usr/bin/env node
// Keeps this repository on exactly the Backstage release it is built and
// tested against, by writing root `resolutions` for every @backstage/*
// package in the dependency tree.
//
// Why: our package.json files follow the community-plugin convention:
// `@backstage/*` as caret ranges of the release's versions (what
// `@backstage/create-app` emits for backstage.json's release), so an
// adopter's app resolves them to its own copies. Caret ranges alone would let
// Yarn pull later releases into this repo (seen: backend-plugin-api 1.12
// under a 1.55 app), so the root `resolutions` pin the release here. They
// apply to this repository only: resolutions are not published.
// Backstage publishes a release with each package depending on `^<version in
// that release>`, so the release's version of a transitive package is the
// highest caret lower bound any package of the release asks for. We walk the
// tree from the direct ranges' lower bounds to a fixed point using the
// registry metadata.
//
// Usage: node scripts/pin-backstage-release.mjs   (then `yarn install`)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const exact = /^\d+\.\d+\.\d+$/;

function compare(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

const workspaceDirs = [
  '.',
  ...['packages', 'plugins'].flatMap(dir =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir)).map(name => join(dir, name))
      : [],
  ),
].filter(dir => existsSync(join(root, dir, 'package.json')));

const pins = new Map();
for (const dir of workspaceDirs) {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  for (const deps of [
    pkg.dependencies,
    pkg.devDependencies,
    pkg.peerDependencies,
  ]) {
    for (const [name, range] of Object.entries(deps ?? {})) {
      if (!name.startsWith('@backstage/')) continue;
      const lower = range.replace(/^\^/, '');
      if (!range.startsWith('^') || !exact.test(lower)) {
        throw new Error(
          `${dir}/package.json: ${name} must be a caret range of the release's version (^x.y.z), found "${range}"`,
        );
      }
      if (pins.has(name) && pins.get(name) !== lower) {
        throw new Error(
          `${name} is asked for as both ^${pins.get(name)} and ${range}`,
        );
      }
      pins.set(name, lower);
    }
  }
}

const metadata = new Map();
function dependenciesOf(name, version) {
  const key = `${name}@${version}`;
  if (!metadata.has(key)) {
    const out = execFileSync('npm', ['view', key, 'dependencies', '--json'], {
      encoding: 'utf8',
    });
    metadata.set(key, out.trim() ? JSON.parse(out) : {});
  }
  return metadata.get(key);
}

const resolved = new Map(pins);
let changed = true;
while (changed) {
  changed = false;
  for (const [name, version] of [...resolved]) {
    for (const [dep, range] of Object.entries(dependenciesOf(name, version))) {
      if (!dep.startsWith('@backstage/')) continue;
      const lower = range.replace(/^[\^~]/, '');
      if (!exact.test(lower)) continue;
      if (pins.has(dep)) continue; // a direct range is the release's own version
      const current = resolved.get(dep);
      if (!current || compare(lower, current) > 0) {
        resolved.set(dep, lower);
        changed = true;
      }
    }
  }
}

const rootPkgPath = join(root, 'package.json');
const rootPkg = JSON.parse(readFileSync(rootPkgPath, 'utf8'));
const resolutions = Object.fromEntries(
  Object.entries(rootPkg.resolutions ?? {}).filter(
    ([n]) => !n.startsWith('@backstage/'),
  ),
);
for (const name of [...resolved.keys()].sort())
  resolutions[name] = resolved.get(name);
rootPkg.resolutions = resolutions;
writeFileSync(rootPkgPath, `${JSON.stringify(rootPkg, null, 2)}\n`);
console.log(
  `pinned ${resolved.size} @backstage packages (${pins.size} direct)`,
);
