#!/usr/bin/env node
// The published DocuChat packages, read from the workspace: every package
// under plugins/ that is not private. verify-install.sh builds, publishes
// and installs these, the tarball and README tests check them; a new plugin
// package joins all of them by being published.
//
// Their order is the order an adopter follows the READMEs' Install sections:
// the libraries (nothing to do), the backend plugin (whose command adds the
// backend modules' packages and whose config grants them access), its
// modules, then the frontend plugin; by directory name within a role.
//
// Usage: node packages.mjs   prints the plugins/ directories, one a line
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Backstage package roles in install order. */
const ROLE_ORDER = [
  'common-library',
  'node-library',
  'backend-plugin',
  'backend-plugin-module',
  'frontend-plugin',
];

/** `[{ dir, name, role }]` of the published packages, in install order. */
export function publishedPackages() {
  const plugins = join(ROOT, 'plugins');
  return readdirSync(plugins, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .flatMap(entry => {
      let manifest;
      try {
        manifest = JSON.parse(
          readFileSync(join(plugins, entry.name, 'package.json'), 'utf8'),
        );
      } catch (error) {
        if (error.code === 'ENOENT') return [];
        throw error;
      }
      if (manifest.private) return [];
      const role = manifest.backstage?.role;
      if (!ROLE_ORDER.includes(role)) {
        throw new Error(
          `plugins/${
            entry.name
          }: published with backstage.role ${role}, not one of ${ROLE_ORDER.join(
            ', ',
          )}`,
        );
      }
      return [{ dir: entry.name, name: manifest.name, role }];
    })
    .sort(
      (a, b) =>
        ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) ||
        a.dir.localeCompare(b.dir),
    );
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  for (const { dir } of publishedPackages()) console.log(dir);
}
