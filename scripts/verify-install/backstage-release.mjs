#!/usr/bin/env node
// Prints the @backstage/* packages of one Backstage release with their
// versions, as JSON, walked from the versions a `@backstage/create-app`
// emits (its dist/lib/versions.cjs.js).
//
// Why: a fresh app's package.json files ask for `^<release version>`, and
// create-app's yarn.lock seed (fetched from GitHub) cannot be fetched here,
// so an install resolves every @backstage package to the newest matching
// version, past the release. verify-install.sh hides the later versions in
// its local registry (verdaccio's package filter), so the app resolves what
// it would have on the release's day. Backstage publishes a release with
// each package asking for `^<version in that release>` of the others, so a
// transitive package's release version is the highest caret lower bound any
// package of the release asks for; the walk runs to a fixed point over the
// registry's metadata (`npm config get registry`).
//
// Usage: node backstage-release.mjs <create-app package dir>
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [createAppDir] = process.argv.slice(2);
if (!createAppDir) {
  console.error('usage: backstage-release.mjs <create-app package dir>');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { packageVersions } = require(join(
  createAppDir,
  'dist/lib/versions.cjs.js',
));
const registry = execFileSync('npm', ['config', 'get', 'registry'], {
  encoding: 'utf8',
})
  .trim()
  .replace(/\/?$/, '/');

const exact = /^\d+\.\d+\.\d+$/;
const compare = (a, b) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};

const direct = new Map(
  Object.entries(packageVersions).filter(([name]) =>
    name.startsWith('@backstage/'),
  ),
);

// A few requests at a time, each retried: a hundred at once once timed out
// connecting (CI), and a refused connection is as passing as a 5xx.
const MAX_IN_FLIGHT = 8;
const ATTEMPTS = 5;
let inFlight = 0;
const waiting = [];
async function limited(work) {
  if (inFlight >= MAX_IN_FLIGHT) await new Promise(r => waiting.push(r));
  inFlight++;
  try {
    return await work();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}

class NotInRegistry extends Error {}

async function fetchVersions(url) {
  for (let attempt = 1; ; attempt++) {
    let failure;
    try {
      const res = await fetch(url, {
        headers: { accept: 'application/vnd.npm.install-v1+json' },
        signal: AbortSignal.timeout(30_000),
      });
      if (res.ok) return (await res.json()).versions;
      if (res.status === 404) throw new NotInRegistry(`${url}: 404`);
      failure = `${res.status} ${res.statusText}`;
    } catch (error) {
      if (error instanceof NotInRegistry) throw error;
      failure = error.cause?.code ?? error.message;
    }
    if (attempt === ATTEMPTS) {
      throw new Error(`${url}: ${failure} (after ${ATTEMPTS} attempts)`);
    }
    await new Promise(r => setTimeout(r, 1000 * attempt));
  }
}

const documents = new Map();
function versionsOf(name) {
  if (!documents.has(name)) {
    const url = `${registry}${name.replace('/', '%2f')}`;
    documents.set(
      name,
      limited(() => fetchVersions(url)),
    );
  }
  return documents.get(name);
}

const release = new Map(direct);
let changed = true;
while (changed) {
  changed = false;
  const entries = [...release];
  const metadata = await Promise.all(entries.map(([name]) => versionsOf(name)));
  entries.forEach(([name, version], i) => {
    const manifest = metadata[i][version];
    if (!manifest) throw new Error(`${name}@${version} is not in the registry`);
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
      if (!dep.startsWith('@backstage/') || direct.has(dep)) continue;
      const lower = range.replace(/^[\^~]/, '');
      if (!exact.test(lower)) continue;
      const current = release.get(dep);
      if (!current || compare(lower, current) > 0) {
        release.set(dep, lower);
        changed = true;
      }
    }
  });
}

console.log(
  JSON.stringify(
    Object.fromEntries([...release].sort(([a], [b]) => a.localeCompare(b))),
    null,
    2,
  ),
);
