// The root README's "Add DocuChat to your Backstage" is the plugin READMEs'
// Install sections in short: the same packages added to the same
// workspaces, the same lines in the backend and the same config. Those
// sections are what verify-install.sh executes; this keeps the summary true,
// and the table of packages and their release notes complete.
//
//   node --test scripts/verify-install/readmes.test.mjs
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { installBlocks } from './readmeBlocks.mjs';
import { publishedPackages } from './packages.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const read = path => readFileSync(`${ROOT}/${path}`, 'utf8');
const PLUGINS = publishedPackages().map(p => p.dir);

/** `workspace package` for every package a `yarn --cwd <ws> add` adds. */
function added(code) {
  return code
    .replace(/\\\n/g, ' ')
    .split('\n')
    .flatMap(line => {
      const m = /yarn --cwd (\S+) add (.+)/.exec(line);
      return m
        ? m[2]
            .trim()
            .split(/\s+/)
            .map(pkg => `${m[1]} ${pkg}`)
        : [];
    })
    .sort();
}

const changed = (code, sign) =>
  code
    .split('\n')
    .filter(line => line.startsWith(sign))
    .map(line => line.slice(1).trim())
    .join('\n');

const plugins = PLUGINS.map(name =>
  installBlocks(read(`plugins/${name}/README.md`)),
).flat();
const rootSection = (() => {
  const readme = read('README.md');
  const start = readme.indexOf('## Add DocuChat to your Backstage');
  assert.ok(start >= 0, 'README.md has no "Add DocuChat to your Backstage"');
  const rest = readme.slice(start + 1);
  return `## Install\n${rest.slice(0, rest.search(/^## /m))}`;
})();
const summary = installBlocks(rootSection);

test('the root README adds the packages the plugin READMEs add', () => {
  const fromPlugins = plugins.filter(b => b.lang === 'bash');
  const fromRoot = summary.filter(b => b.lang === 'bash');
  assert.deepEqual(
    added(fromRoot.map(b => b.code).join('\n')),
    added(fromPlugins.map(b => b.code).join('\n')),
  );
  assert.ok(fromRoot.length <= 6, 'at most 6 commands');
});

test("the root README's backend edit is the plugin READMEs' edits", () => {
  const diffs = blocks => blocks.filter(b => b.lang === 'diff');
  for (const sign of ['+', '-']) {
    const lines = blocks =>
      diffs(blocks)
        .map(b => changed(b.code, sign))
        .join('\n')
        .replace(/\s+/g, '')
        .split(/(?<=\);)/)
        .filter(Boolean)
        .sort();
    assert.deepEqual(lines(summary), lines(plugins), `${sign} lines`);
  }
});

test("the root README's config is the plugin READMEs' config", () => {
  const config = blocks =>
    blocks.filter(b => b.lang === 'yaml').map(b => parse(b.code));
  assert.deepEqual(config(summary), config(plugins));
});

test('the plugin READMEs edit at most 3 files of the app', () => {
  const files = new Set(plugins.filter(b => b.title).map(b => b.title));
  assert.ok(files.size <= 3, [...files].join(', '));
});

test("the root README's package table names every published package", () => {
  const table = rootSection
    .split('\n')
    .filter(line => line.startsWith('|'))
    .join('\n');
  assert.deepEqual(
    publishedPackages()
      .map(p => p.dir)
      .filter(dir => !table.includes(`\`…-${dir}\``)),
    [],
  );
});

test('every published package has a changeset or a changelog', () => {
  const changesets = readdirSync(`${ROOT}/.changeset`)
    .filter(f => f.endsWith('.md') && f !== 'README.md')
    .map(f => read(`.changeset/${f}`));
  const missing = publishedPackages().filter(
    ({ dir, name }) =>
      !existsSync(`${ROOT}/plugins/${dir}/CHANGELOG.md`) &&
      !changesets.some(text => text.includes(`'${name}':`)),
  );
  assert.deepEqual(
    missing.map(p => p.name),
    [],
  );
});
