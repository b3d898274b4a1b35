#!/usr/bin/env node
// Writes verify-install's verdaccio config to stdout: @docuchat/* published
// locally (never looked up upstream), everything else proxied to the uplink,
// and @backstage/* versions after the release hidden by verdaccio's built-in
// package filter, so a fresh app resolves the release it was created for.
//
// Usage: node verdaccio-config.mjs --storage DIR --uplink URL --release FILE
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';

const { values } = parseArgs({
  options: {
    storage: { type: 'string' },
    uplink: { type: 'string' },
    release: { type: 'string' },
  },
});
for (const key of ['storage', 'uplink', 'release']) {
  if (!values[key]) throw new Error(`--${key} is required`);
}
const release = JSON.parse(readFileSync(values.release, 'utf8'));

const config = {
  storage: `${values.storage}/storage`,
  web: { enable: false },
  auth: { htpasswd: { file: `${values.storage}/htpasswd`, max_users: 10 } },
  uplinks: { upstream: { url: values.uplink, timeout: '60s', max_fails: 5 } },
  packages: {
    '@docuchat/*': { access: '$all', publish: '$authenticated' },
    '**': { access: '$all', publish: '$authenticated', proxy: 'upstream' },
  },
  filters: {
    '@verdaccio/package-filter': {
      block: Object.entries(release).map(([name, version]) => ({
        package: name,
        versions: `>${version}`,
      })),
    },
  },
  max_body_size: '50mb',
  log: { type: 'stdout', format: 'pretty', level: 'warn' },
};
process.stdout.write(stringify(config));
