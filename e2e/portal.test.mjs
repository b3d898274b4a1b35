// End-to-end: the README's run command (scripts/start.sh) brings up the
// backend on :7007 and the app on :3000, and a person signing in as guest
// sees the DocuChat page, the catalog and the demo tenants' documents.
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const BACKEND = 'http://localhost:7007';
const APP = 'http://localhost:3000';
let portal;
let browser;
let token;
const SHOTS = new URL('./screenshots', import.meta.url).pathname;

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

test('a guest chats with demo-acme, with citations, uploads and conversations', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
  });
  // Nothing a document says may run: any dialog or flag set fails the test.
  const dialogs = [];
  page.on('dialog', dialog => {
    dialogs.push(dialog.message());
    dialog.dismiss();
  });
  const shot = name =>
    page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });

  await page.goto(`${APP}/docuchat`);
  await page.getByRole('button', { name: /enter/i }).click();
  const sidebarLink = page
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'DocuChat', exact: true });
  await sidebarLink.waitFor({ timeout: 60_000 });
  await page.waitForURL(/\/docuchat\/tenants\//, { timeout: 60_000 });

  // Pick demo-acme in the tenant picker.
  await page.getByRole('button', { name: /Tenant/ }).click();
  await page.getByRole('option', { name: /demo-acme/ }).click();
  await page.waitForURL(/\/docuchat\/tenants\/demo-acme/);
  await shot('01-tenant-picked');

  // Ask; the answer streams in with at least one citation.
  const box = page.getByRole('textbox', { name: 'Question' });
  await box.fill('How do I run the tests?');
  await box.press('Enter');
  const firstSource = page.getByRole('button', { name: /^Source 1:/ }).first();
  await firstSource.waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Retry' }).first().waitFor({
    timeout: 120_000,
  });
  const answer = page.getByTestId('docuchat-answer').first();
  assert.ok((await answer.innerText()).trim().length > 0);
  await shot('02-answer-streamed');

  // The citation opens its passage in the sources panel.
  await firstSource.click();
  const passage = page.getByTestId('docuchat-passage');
  await passage
    .getByText(/\S{20,}/)
    .first()
    .waitFor({ timeout: 30_000 });
  await shot('03-citation-passage');

  // Upload a Markdown file and watch it become ready.
  await page.getByRole('tab', { name: 'Documents' }).click();
  await page.getByTestId('docuchat-file-input').setInputFiles({
    name: 'e2e-release-notes.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from(
      '# Release notes\n\nThe e2e release ships the DocuChat page. Tests run with yarn test.\n',
    ),
  });
  const row = page.getByRole('row', { name: /e2e-release-notes\.md/ });
  await row.getByText('ready').waitFor({ timeout: 120_000 });
  await shot('04-document-ready');

  // Reopen the conversation from the list.
  await page.getByRole('tab', { name: 'Chat' }).click();
  await page.getByRole('button', { name: /New conversation/ }).click();
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .getByText('How do I run the tests?')
    .first()
    .click();
  await page
    .getByRole('button', { name: /^Source 1:/ })
    .first()
    .waitFor();
  await shot('05-conversation-reopened');

  // A hostile document: nothing in it runs, in answers or passages.
  await page.getByRole('tab', { name: 'Documents' }).click();
  await page.getByTestId('docuchat-file-input').setInputFiles({
    // Plain text keeps the markup verbatim, so it reaches answers and
    // passages as written (Markdown ingestion would drop the tags).
    name: 'hostile-zebra.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(
      [
        '# Zebra handbook',
        '',
        'The zebra protocol is documented here. <script>window.__xss = "script"</script>',
        '',
        'Zebra images: <img src=x onerror="window.__xss = \'img\'; alert(1)">',
        '',
        "Zebra help: [click the zebra link](javascript:window.__xss='link')",
      ].join('\n'),
    ),
  });
  await page
    .getByRole('row', { name: /hostile-zebra\.txt/ })
    .getByText('ready')
    .waitFor({ timeout: 120_000 });
  await page.getByRole('tab', { name: 'Chat' }).click();
  await page.getByRole('button', { name: /New conversation/ }).click();
  await box.fill('What does the zebra handbook say about the zebra protocol?');
  await box.press('Enter');
  const zebraSource = page
    .getByRole('button', { name: /^Source \d+: hostile-zebra\.txt/ })
    .first();
  await zebraSource.waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Retry' }).first().waitFor();
  await zebraSource.click();
  await page
    .getByTestId('docuchat-passage')
    .getByText(/zebra/i)
    .first()
    .waitFor();
  // Click every link an answer rendered; none may be javascript:.
  for (const link of await page
    .getByTestId('docuchat-answer')
    .locator('a')
    .all()) {
    const href = await link.getAttribute('href');
    assert.match(href ?? '', /^(https?:|\/|[^:]*$)/, `unsafe link ${href}`);
  }
  await page.waitForTimeout(1000);
  await shot('06-hostile-document');
  const root = page.getByTestId('docuchat-root');
  assert.equal(await root.locator('script').count(), 0);
  assert.equal(await root.locator('img').count(), 0);
  assert.equal(await root.locator('a[href^="javascript"]').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(dialogs, []);
});

test('in Persian, DocuChat reads right to left with Persian texts and digits', async () => {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
  });
  // What Settings → Language stores; the app lists `fa` in app-config.yaml.
  await page.addInitScript(() => window.localStorage.setItem('language', 'fa'));
  await page.goto(`${APP}/docuchat/tenants/demo-acme`);
  await page.getByRole('button', { name: /enter/i }).click();
  const root = page.getByTestId('docuchat-root');
  await root
    .getByRole('textbox', { name: 'پرسش' })
    .waitFor({ timeout: 60_000 });
  assert.equal(await root.getAttribute('dir'), 'rtl');
  assert.equal(await root.getAttribute('lang'), 'fa');
  await page.getByText('گفتگو با اسناد شما').waitFor();
  await page.getByRole('tab', { name: 'اسناد' }).click();
  // The document list's sizes and counts are in Persian digits.
  await root.getByText(/[۰-۹]/).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: `${SHOTS}/13-persian.png` });
  await page.close();
});

/**
 * A fresh page signed in as the guest, at `path`, with `shot(name)`. Pages
 * with Backstage's own scrolling area (not the window's) need a viewport as
 * tall as their content to be seen whole.
 */
async function guestPage(path, height = 900) {
  mkdirSync(SHOTS, { recursive: true });
  const page = await browser.newPage({
    viewport: { width: 1400, height },
  });
  await page.goto(`${APP}${path}`);
  await page.getByRole('button', { name: /enter/i }).click();
  await page
    .getByTestId('sidebar-root')
    .waitFor({ state: 'attached', timeout: 60_000 });
  const shot = name =>
    page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  return { page, shot };
}

test('the home page introduces DocuChat, not the create-app welcome', async () => {
  const { page, shot } = await guestPage('/home');
  const chat = page.getByRole('link', { name: 'Chat with documents' });
  await chat.waitFor({ timeout: 60_000 });
  assert.equal(await chat.getAttribute('href'), '/docuchat');
  assert.equal(await page.getByText('Welcome to Backstage').count(), 0);
  await page.getByText('Tehran').waitFor();
  await shot('00-home');
  await chat.click();
  await page.waitForURL(/\/docuchat/);
  await page.close();
});

/** Waits until the catalog holds `ref` (its providers run after start-up). */
async function catalogEntity(filter, name) {
  const deadline = Date.now() + 120_000;
  do {
    const entities = await api(
      `/api/catalog/entities?filter=${encodeURIComponent(filter)}`,
    );
    const entity = entities.find(e => e.metadata.name === name);
    if (entity) return entity;
    await new Promise(r => setTimeout(r, 1000));
  } while (Date.now() < deadline);
  throw new Error(`${name} (${filter}) is not in the catalog`);
}

test("a demo tenant's entity page shows its token usage and invoices", async () => {
  const tenant = await catalogEntity(
    'spec.type=docuchat-tenant',
    'docuchat-tenant-demo-acme',
  );
  assert.equal(
    tenant.metadata.annotations['docuchat.io/tenant-id'],
    'demo-acme',
  );
  const { page, shot } = await guestPage(
    '/catalog/default/resource/docuchat-tenant-demo-acme',
  );

  // The usage card: the demo's 30 days, drawn as stacked bars.
  const bars = page.locator('.recharts-bar-rectangle');
  await bars.first().waitFor({ timeout: 120_000 });
  assert.ok((await bars.count()) >= 10, 'a bar per billing day and model');
  const totalTokens = await page.getByTestId('usage-total-tokens').innerText();
  assert.match(totalTokens, /^[1-9][\d,]*$/);
  assert.match(
    await page.getByTestId('usage-total-cost').innerText(),
    /^[\d,.]+ Tomans$/,
  );

  // The invoices card: the demo's billed days, each linking to its page.
  const invoices = page
    .getByRole('table', { name: 'Invoices' })
    .locator('[data-testid^="invoice-"]');
  await invoices.first().waitFor({ timeout: 60_000 });
  assert.ok((await invoices.count()) > 0);
  // Each invoice shows its tokens (the list carries the lines).
  assert.match(
    await invoices.first().locator('td').nth(1).innerText(),
    /^[1-9][\d,]*$/,
  );
  await page.getByText('Chat with these documents').waitFor();
  await shot('07-tenant-entity-page');

  // The invoice's own page, with its lines.
  await invoices.first().getByRole('link').first().click();
  await page.waitForURL(/\/docuchat\/tenants\/demo-acme\/invoices\//);
  const lines = page.getByRole('table', { name: 'Lines' }).locator('tbody tr');
  await lines.first().waitFor({ timeout: 60_000 });
  assert.ok((await lines.count()) > 0);
  await page.getByRole('link', { name: 'Back to the tenant' }).waitFor();
  await shot('08-invoice-page');
  await page.close();
});

test('an environment page shows its runbooks with the environment filled in', async () => {
  await catalogEntity('spec.type=docuchat-environment', 'docuchat-staging');
  const { page, shot } = await guestPage(
    '/catalog/default/resource/docuchat-staging',
  );
  const runbook = page.getByRole('link', {
    name: 'Back up the DocuChat database',
  });
  await runbook.waitFor({ timeout: 120_000 });
  const href = new URL(await runbook.getAttribute('href'), APP);
  assert.equal(
    href.pathname,
    '/create/templates/default/docuchat-backup-database',
  );
  assert.deepEqual(JSON.parse(href.searchParams.get('formData')), {
    environment: 'resource:default/docuchat-staging',
  });
  await shot('09-environment-entity-page');

  // The Kubernetes plugin's tab (no cluster in the embedded defaults).
  await page.goto(
    `${APP}/catalog/default/resource/docuchat-staging/kubernetes`,
  );
  await page
    .getByText(/No resources on any known clusters/)
    .waitFor({ timeout: 60_000 });
  await shot('10-environment-kubernetes-tab');

  // The scaffolder opens the runbook with the environment chosen.
  await page.goto(href.href);
  await page.waitForURL(
    /\/create\/templates\/default\/docuchat-backup-database/,
  );
  await page
    .getByText('Back up the DocuChat database')
    .first()
    .waitFor({ timeout: 60_000 });
  try {
    // The EntityPicker (RJSF id root_environment) holds the environment's
    // ref, and it is the catalog's entity: its option is the selected one.
    await page.waitForFunction(
      () =>
        document.getElementById('root_environment')?.value ===
        'resource:default/docuchat-staging',
      undefined,
      { timeout: 60_000 },
    );
    await page.locator('#root_environment').click();
    await page
      .getByRole('option', { name: /Staging/, selected: true })
      .waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
  } finally {
    await shot('11-runbook-in-scaffolder');
  }
  await page.close();
});

test("the operators' overview shows usage, invoices and billing runs", async () => {
  const { page, shot } = await guestPage('/docuchat/admin', 1500);
  await page.getByTestId('admin-totals').waitFor({ timeout: 120_000 });
  assert.match(
    await page.getByTestId('admin-totals').innerText(),
    /[1-9][\d,]* Tokens/,
  );
  await page
    .getByRole('table', { name: 'Top tenants' })
    .getByText('demo-acme')
    .waitFor();
  await page
    .getByRole('table', { name: 'Invoices by status' })
    .waitFor({ timeout: 60_000 });
  const runs = page
    .getByRole('table', { name: 'Last billing runs' })
    .locator('tbody tr');
  await runs.first().waitFor({ timeout: 60_000 });
  assert.ok((await runs.count()) > 0, 'the demo billing run is listed');
  await shot('12-operators-overview');
  await page.close();
});

test('a TechDocs source added on the Tenants tab syncs, answers cite its pages, and the portal search finds tenant documents', async () => {
  const { page, shot } = await guestPage(
    '/docuchat/tenants/demo-globex/manage',
    1300,
  );
  const sources = page.getByRole('list', { name: 'Sources' });
  // The DocuChat system's TechDocs: this repository's Persian guides.
  await page
    .getByRole('textbox', { name: /Catalog filter/ })
    .fill('kind=system,metadata.name=docuchat');
  await page.getByRole('button', { name: 'Add source' }).click();
  const source = sources.getByRole('listitem').filter({ hasText: 'TechDocs' });
  await source.getByText(/\d+ added · 0 changed/).waitFor({ timeout: 180_000 });
  assert.match(await source.innerText(), /OK/);
  // The "source added" notice goes by itself.
  await page
    .getByText('Source added; its first sync is running')
    .waitFor({ state: 'hidden', timeout: 30_000 });
  await shot('14-source-synced');

  // Its pages are read-only documents linking to their TechDocs page.
  await page.getByRole('tab', { name: 'Documents' }).click();
  const runbook = page.getByRole('row', { name: /تأخیر/ });
  await runbook.getByText('ready').waitFor({ timeout: 180_000 });
  assert.equal(
    await runbook.getByRole('link').first().getAttribute('href'),
    '/docs/default/system/docuchat/runbooks/latency/',
  );
  assert.equal(await runbook.getByRole('button').count(), 0);

  // A Persian runbook question, answered citing the TechDocs page.
  await page.getByRole('tab', { name: 'Chat' }).click();
  await page.getByRole('button', { name: /New conversation/ }).click();
  const box = page.getByRole('textbox', { name: 'Question' });
  await box.fill('وقتی هشدار DocuChatHighLatency آمد چه کنم؟');
  await box.press('Enter');
  const cited = page
    .getByRole('button', { name: /^Source \d+: DocuChat: تأخیر/ })
    .first();
  await cited.waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Retry' }).first().waitFor();
  await cited.click();
  const open = page
    .getByTestId('docuchat-passage')
    .getByRole('link', { name: 'Open the page in the portal' });
  await open.waitFor();
  assert.equal(
    await open.getAttribute('href'),
    '/docs/default/system/docuchat/runbooks/latency/',
  );
  await shot('15-answer-cites-techdocs');

  // The portal's search finds a tenant document; its result opens the
  // passage on the DocuChat page.
  let found = [];
  const deadline = Date.now() + 300_000;
  do {
    // Lunr answers 500 MissingIndexError until the collator's first run
    // (30 s after start-up) has built the docuchat index.
    const res = await fetch(
      `${BACKEND}/api/search/query?term=Zibal&types%5B0%5D=docuchat`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const body = await res.json();
    if (res.status !== 500 || body?.error?.name !== 'MissingIndexError') {
      assert.equal(res.status, 200, `search answered ${res.status}`);
      found = body.results;
      if (found.length) break;
    }
    await new Promise(r => setTimeout(r, 5000));
  } while (Date.now() < deadline);
  assert.ok(found.length > 0, 'the search index holds DocuChat passages');
  await page.goto(`${APP}/search?query=Zibal`);
  const result = page
    .getByRole('listitem')
    .filter({ hasText: /DocuChat · .*\(demo\)/ })
    .first();
  await result.waitFor({ timeout: 60_000 });
  // The first screenful: the list goes on for every matching passage.
  await page.screenshot({ path: `${SHOTS}/16-portal-search.png` });
  await result.getByRole('link').first().click();
  await page.waitForURL(/\/docuchat\/tenants\/[^/]+\/documents\?passage=/);
  await page
    .getByTestId('docuchat-passage-dialog')
    .getByText(/Zibal/)
    .first()
    .waitFor({ timeout: 30_000 });
  await shot('17-search-result-passage');
  await page.close();
});
