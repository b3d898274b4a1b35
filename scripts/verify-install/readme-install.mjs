#!/usr/bin/env node
// Reads the "## Install" section of a README and does what it says, in a
// Backstage app: verify-install.sh wires DocuChat into a fresh app with this
// and nothing else, so the READMEs are the install path that CI proves.
//
// The fenced blocks of the section, in order:
//   ```bash                        commands, run from the app's root
//   ```diff title="<file>"         an edit: lines starting with ' ' are the
//                                  context, '-' lines are removed, '+' lines
//                                  added; the context and removed lines must
//                                  be found once, exactly, in <file>
//   ```yaml title="app-config.yaml"  a block to add to that file (new top-level
//                                  keys only: a key the file already has is an
//                                  error, as it would be for a reader)
// Other blocks (ts, tsx without a title) are explanations and are not run.
//
// Usage: node readme-install.mjs <README.md> <app dir> [--list]
// Prints one line per step; with --list, only prints the steps.
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { installBlocks } from './readmeBlocks.mjs';

const [readmePath, appDir, flag] = process.argv.slice(2);
if (!readmePath || !appDir) {
  console.error('usage: readme-install.mjs <README.md> <app dir> [--list]');
  process.exit(2);
}

function applyDiff(file, code) {
  const path = join(appDir, file);
  const text = readFileSync(path, 'utf8');
  const lines = code.replace(/\n$/, '').split('\n');
  const before = lines
    .filter(l => !l.startsWith('+'))
    .map(l => l.slice(1))
    .join('\n');
  const after = lines
    .filter(l => !l.startsWith('-'))
    .map(l => l.slice(1))
    .join('\n');
  const at = text.indexOf(before);
  if (at < 0 || text.indexOf(before, at + 1) >= 0) {
    throw new Error(
      `${file}: the README's context is not found exactly once:\n${before}`,
    );
  }
  writeFileSync(
    path,
    text.slice(0, at) + after + text.slice(at + before.length),
  );
}

function addYaml(file, code) {
  const path = join(appDir, file);
  const text = readFileSync(path, 'utf8');
  const existing = parseDocument(text).contents;
  for (const key of parseDocument(code).contents.items.map(i => i.key.value)) {
    if (existing.has(key)) {
      throw new Error(`${file} already has "${key}": the README cannot add it`);
    }
  }
  const merged = `${text.replace(/\n*$/, '\n\n')}${code}`;
  const doc = parseDocument(merged, { uniqueKeys: true });
  if (doc.errors.length) throw doc.errors[0];
  writeFileSync(path, merged);
}

const blocks = installBlocks(readFileSync(readmePath, 'utf8'));
const steps = blocks.filter(
  b => b.lang === 'bash' || (b.title && ['diff', 'yaml'].includes(b.lang)),
);
if (steps.length === 0) {
  console.log(`${readmePath}: nothing to do`);
}
for (const step of steps) {
  if (step.lang === 'bash') {
    console.log(`$ ${step.code.trim()}`);
    if (flag !== '--list') {
      execSync(step.code, {
        cwd: appDir,
        stdio: 'inherit',
        shell: '/bin/bash',
      });
    }
  } else {
    console.log(`edit ${step.title} (${step.lang})`);
    if (flag !== '--list') {
      (step.lang === 'diff' ? applyDiff : addYaml)(step.title, step.code);
    }
  }
}
