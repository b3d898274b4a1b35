// The published tarballs, one test per package: built and packed as
// `yarn npm publish` packs them (prepack/postpack), they hold what the package
// needs at run time and nothing it does not. Prints each tarball's size.
//
//   node --test scripts/verify-install/tarballs.test.mjs
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { publishedPackages } from './packages.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const PACKAGES = publishedPackages().map(p => p.dir);

/** Paths no published package may hold: test support, evaluation, benchmarks. */
const FORBIDDEN = [
  /\.(test|spec)\.[cm]?[jt]sx?(\.map)?$/,
  /(^|\/)__testUtils__\//,
  /(^|\/)__fixtures__\//,
  /(^|\/)fixtures?\//,
  /(^|\/)(bench|eval|e2e|dev)\//,
  /(^|\/)setupTests\./,
  /TestServer\./,
  /(^|\/)src\//,
];

/** Where a file of a tarball may come from. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^config\.schema\.json$/,
  /^dist\//,
  /^migrations\/[^/]+\.js$/,
  /^templates\//,
];

const walk = dir =>
  readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );

const yarn = (cwd, ...args) =>
  execFileSync('yarn', args, { cwd, encoding: 'utf8', stdio: 'pipe' });

const work = mkdtempSync(join(tmpdir(), 'docuchat-tarballs-'));
const packed = new Map();
const sizes = [];

before(
  () => {
    for (const name of PACKAGES) {
      const dir = join(ROOT, 'plugins', name);
      yarn(dir, 'build');
      const tarball = join(work, `${name}.tgz`);
      yarn(dir, 'pack', '--out', tarball);
      const listing = execFileSync('tar', ['tzvf', tarball], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .map(line => {
          const fields = line.trim().split(/\s+/);
          return {
            size: Number(fields[2]),
            path: fields
              .slice(5)
              .join(' ')
              .replace(/^package\//, ''),
          };
        });
      const manifest = JSON.parse(
        execFileSync('tar', ['xzOf', tarball, 'package/package.json'], {
          encoding: 'utf8',
        }),
      );
      packed.set(name, { dir, listing, manifest });
      sizes.push({
        name: manifest.name,
        packed: statSync(tarball).size,
        unpacked: listing.reduce((sum, f) => sum + f.size, 0),
        files: listing.length,
      });
    }
  },
  { timeout: 600_000 },
);

after(() => {
  const kib = n => `${(n / 1024).toFixed(1)} KiB`;
  console.log('tarball sizes (packed, unpacked, files):');
  for (const s of sizes) {
    console.log(
      `  ${s.name.padEnd(62)} ${kib(s.packed).padStart(10)} ${kib(
        s.unpacked,
      ).padStart(11)} ${String(s.files).padStart(5)}`,
    );
  }
  rmSync(work, { recursive: true, force: true });
});

describe('published tarballs', () => {
  for (const name of PACKAGES) {
    test(`@docuchat/backstage-plugin-${name}`, () => {
      const { dir, listing, manifest } = packed.get(name);
      const files = listing.map(f => f.path);
      const source = JSON.parse(
        readFileSync(join(dir, 'package.json'), 'utf8'),
      );

      assert.deepEqual(
        files.filter(f => FORBIDDEN.some(p => p.test(f))),
        [],
        'test, fixture, bench, eval or source files in the tarball',
      );
      assert.deepEqual(
        files.filter(f => !ALLOWED.some(p => p.test(f))),
        [],
        'files outside dist/, migrations/, templates/ and the manifest',
      );
      for (const required of ['package.json', 'README.md']) {
        assert.ok(files.includes(required), `${required} missing`);
      }

      // Everything the build emitted ships (a new runtime file, such as a
      // worker entry, needs no change here), tests aside.
      const built = walk(join(dir, 'dist'))
        .map(f => relative(dir, f))
        .filter(f => !FORBIDDEN.some(p => p.test(f)));
      assert.deepEqual(
        built.filter(f => !files.includes(f)),
        [],
        'built files missing from the tarball',
      );
      const entry = path => path?.replace(/^\.\//, '');
      for (const field of ['main', 'module', 'types']) {
        if (manifest[field]) {
          assert.ok(
            files.includes(entry(manifest[field])),
            `${field} ${manifest[field]} missing`,
          );
        }
      }
      assert.ok(manifest.main || manifest.module, 'no entry point');

      // Runtime files outside dist/.
      if (source.configSchema) {
        assert.ok(
          files.includes('config.schema.json'),
          'config schema missing',
        );
      }
      for (const folder of ['migrations', 'templates']) {
        if (!existsSync(join(dir, folder))) continue;
        const expected = walk(join(dir, folder)).map(f => relative(dir, f));
        assert.ok(expected.length > 0);
        assert.deepEqual(
          expected.filter(f => !files.includes(f)),
          [],
          `${folder}/ files missing`,
        );
      }

      // The manifest as a registry serves it.
      assert.equal(manifest.name, `@docuchat/backstage-plugin-${name}`);
      assert.equal(manifest.license, 'Apache-2.0');
      assert.equal(manifest.private, undefined);
      assert.ok(manifest.repository?.directory, 'repository.directory');
      assert.ok(manifest.backstage?.pluginId, 'backstage.pluginId');
      for (const field of [
        'dependencies',
        'peerDependencies',
        'optionalDependencies',
      ]) {
        for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
          assert.doesNotMatch(range, /^workspace:/, `${dep}: ${range}`);
          if (dep.startsWith('@backstage/')) {
            assert.match(range, /^\^\d+\.\d+\.\d+$/, `${dep}: ${range}`);
          }
        }
      }
      if (manifest.backstage.role === 'frontend-plugin') {
        for (const peer of ['react', 'react-dom', 'react-router-dom']) {
          assert.ok(manifest.peerDependencies?.[peer], `${peer} peer`);
          assert.equal(manifest.dependencies?.[peer], undefined, peer);
        }
      }
    });
  }

  test('the scaffolder module ships the seven templates', () => {
    const { listing } = packed.get('scaffolder-backend-module-docuchat');
    assert.equal(
      listing.filter(f => /^templates\/[^/]+\/template\.yaml$/.test(f.path))
        .length,
      7,
    );
  });
});
