// End-to-end: the README's run command (scripts/start.sh) brings up the
// backend on :7007 and the app on :3000, and a person signing in as guest
// sees the DocuChat page, the catalog and the demo tenants' documents.
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BACKEND = 'http://localhost:7007';
const APP = 'http://localhost:3000';
let portal;
let browser;
let token;

async function waitFor(url, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (portal.exitCode !== null) {
      throw new Error(`scripts/start.sh exited with ${portal.exitCode}`);
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

async function api(path) {
  const res = await fetch(`${BACKEND}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return res.json();
}

before(
  async () => {
    for (const url of [`${BACKEND}/api/docuchat/health`, APP]) {
      const busy = await fetch(url).then(
        () => true,
        () => false,
      );
      assert.equal(
        busy,
        false,
        `${url} is already in use; stop that portal first`,
      );
    }
    portal = spawn('bash', ['scripts/start.sh'], {
      detached: true, // its own process group, so `after` can stop all of it
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitFor(`${BACKEND}/api/docuchat/health`, 300);
    await waitFor(APP, 300);
    const refresh = await fetch(
      `${BACKEND}/api/auth/guest/refresh?optional&env=development`,
      { headers: { 'x-requested-with': 'XMLHttpRequest' } },
    );
    token = (await refresh.json()).backstageIdentity.token;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  },
  { timeout: 600_000 },
);

after(async () => {
  await browser?.close();
  if (portal && portal.exitCode === null) process.kill(-portal.pid, 'SIGTERM');
});

test('health answers without credentials, other routes need them', async () => {
  const health = await fetch(`${BACKEND}/api/docuchat/health`);
  assert.equal(health.status, 200);
  assert.equal((await health.json()).status, 'ok');
  const tenants = await fetch(`${BACKEND}/api/docuchat/tenants`);
  assert.equal(tenants.status, 401);
});

test('the catalog lists catalog-info.yaml and the environments', async () => {
  const expected = [
    'System:docuchat',
    'Component:docuchat-backend',
    'Component:docuchat-frontend',
    'Resource:docuchat-staging',
    'Resource:docuchat-production',
  ];
  // The catalog processes its locations in the background after start-up,
  // so the first answers may not hold them yet.
  const deadline = Date.now() + 120_000;
  let refs;
  do {
    const entities = await api('/api/catalog/entities');
    refs = entities.map(e => `${e.kind}:${e.metadata.name}`);
    if (expected.every(ref => refs.includes(ref))) break;
    await new Promise(r => setTimeout(r, 1000));
  } while (Date.now() < deadline);
  for (const ref of expected) {
    assert.ok(refs.includes(ref), `${ref} missing from ${refs.join(', ')}`);
  }
});

test('the demo tenants are searchable once ingested', async () => {
  const deadline = Date.now() + 120_000;
  let docs;
  do {
    docs = (await api('/api/docuchat/tenants/demo-acme/documents')).items;
    if (docs.length && docs.every(d => d.status === 'ready')) break;
    await new Promise(r => setTimeout(r, 1000));
  } while (Date.now() < deadline);
  assert.ok(docs.length > 0 && docs.every(d => d.status === 'ready'));
  const result = await api(
    '/api/docuchat/tenants/demo-acme/search?q=how%20do%20I%20run%20the%20tests&k=3',
  );
  assert.equal(result.hits.length, 3);
  const acmeDocs = new Set(docs.map(d => d.id));
  for (const hit of result.hits) assert.ok(acmeDocs.has(hit.documentId));
});

test('a guest sees the DocuChat page in the app', async () => {
  const page = await browser.newPage();
  await page.goto(`${APP}/docuchat`);
  await page.getByRole('button', { name: /enter/i }).click();
  // The page opens the first tenant the guest may use, ready for a question.
  await page.waitForURL(/\/docuchat\/tenants\//, { timeout: 60_000 });
  await page
    .getByRole('textbox', { name: /question/i })
    .waitFor({ timeout: 60_000 });
  const sidebarLink = page
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'DocuChat', exact: true });
  assert.ok(await sidebarLink.isVisible());
});
