#!/usr/bin/env node
// Checks a running app that DocuChat was installed into, through its HTTP API
// (`api`) and in Chromium (`browser`), as its users would meet it.
//
//   api      health; the guest, a user who owns nothing, sees no tenant and
//            is refused creating one (DocuChat's policy, not allow-all); the
//            guest joins the operators group named in the app's config and
//            creates a tenant through the API, ingests a document, asks it
//            (streamed, with citations) and finds the usage recorded; the
//            tenant entity in the catalog; the seven docuchat:* actions and
//            the seven templates in the scaffolder, one template run
//   search   the portal's search (after the collator's task, triggered as
//            an operator can) finds the document for its tenant's owner
//            and nothing for a user who owns nothing
//   browser  the DocuChat page in Chromium streams an answer with citations;
//            the search page shows the document with DocuChat's result item
//
// Usage: node check-portal.mjs api|search|browser --app-dir DIR --backend URL
//          --frontend URL --screenshots DIR
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'app-dir': { type: 'string' },
    backend: { type: 'string' },
    frontend: { type: 'string' },
    screenshots: { type: 'string' },
  },
});
const [phase] = positionals;
const APP_DIR = values['app-dir'];
const BACKEND = values.backend;
const FRONTEND = values.frontend;
const TENANT = 'verify-install';
const GUEST = 'user:development/guest';
const DOCUMENT = {
  title: 'Verify handbook',
  text: [
    '# Backups',
    'Backups of the verify database are kept for thirty-seven days in the cold vault.',
    '# Holidays',
    'The verify team takes its holidays in the second half of August.',
  ].join('\n\n'),
};
const QUESTION = 'How long are backups of the verify database kept?';
// A word of DOCUMENT's first passage, for the portal's search.
const SEARCH_TERM = 'vault';
// The search backend's task for the DocuChat collator (search_index_<type>).
const SEARCH_TASK = 'search_index_docuchat';
// A second person, who owns nothing (the guest owns the tenant by now).
const OUTSIDER = 'user:development/outsider';
const BROWSER_QUESTION = 'When does the verify team take its holidays?';

const sleep = ms => new Promise(r => setTimeout(r, ms));
function step(text) {
  console.log(`   ok  ${text}`);
}

async function until(what, seconds, probe) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  for (;;) {
    last = await probe();
    if (last?.done) return last.value;
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not within ${seconds} s (last: ${JSON.stringify(
          last?.value ?? last,
        ).slice(0, 300)})`,
      );
    }
    await sleep(500);
  }
}

/** A guest token, as the app's sign-in page gets it. */
async function guestToken() {
  const res = await fetch(
    `${BACKEND}/api/auth/guest/refresh?optional&env=development`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  assert.equal(res.status, 200, `guest sign-in answered ${res.status}`);
  const { token, identity } = (await res.json()).backstageIdentity;
  return { token, ownership: identity.ownershipEntityRefs };
}

/**
 * Who the guest is, set in the app's local config (watched: no restart),
 * and a token once the backend signs the guest in as that: `guest` is the
 * `auth.providers.guest` config (`userEntityRef`, `ownershipEntityRefs`).
 */
async function signInGuestAs(what, guest, isReady) {
  const local = join(APP_DIR, 'app-config.local.yaml');
  const localConfig = parse(readFileSync(local, 'utf8'));
  localConfig.auth = { providers: { guest } };
  writeFileSync(local, JSON.stringify(localConfig, null, 2));
  // The backend re-reads the file when it changes; a second change soon
  // after the first was seen to go unnoticed (the token kept the previous
  // user for a minute in a CI run). So the file is written again every few
  // seconds until the change shows, with other indentation, the same config.
  let polls = 0;
  return until(`the guest signed in as ${what}`, 60, async () => {
    const token = await guestToken();
    const done = isReady(token);
    if (!done && ++polls % 10 === 0) {
      writeFileSync(
        local,
        JSON.stringify(localConfig, null, 2 + (polls % 20 ? 1 : 0)),
      );
    }
    return { done, value: token };
  });
}

const operatorsGroupOfApp = () =>
  parse(readFileSync(join(APP_DIR, 'app-config.yaml'), 'utf8')).docuchat
    .permissions.operatorsGroup;

/** The guest in the operators group the README's config names. */
async function signInOperator() {
  const group = operatorsGroupOfApp();
  return signInGuestAs(
    `a member of ${group}`,
    { ownershipEntityRefs: [GUEST, group] },
    token => token.ownership.includes(group),
  );
}

function client(token) {
  return async (method, path, body) => {
    const res = await fetch(`${BACKEND}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  };
}

/** Reads a server-sent event stream into [{ event, data }]. */
async function readEvents(res) {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter(Boolean)
    .map(block => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return { event, data: data ? JSON.parse(data) : undefined };
    });
}

async function api() {
  const health = await fetch(`${BACKEND}/api/docuchat/health`);
  assert.equal(health.status, 200);
  assert.equal((await health.json()).status, 'ok');
  step('GET /api/docuchat/health answers ok without credentials');

  // The guest of a fresh app (user:development/guest, not in the catalog)
  // owns nothing and belongs to no group.
  const outsider = await guestToken();
  assert.deepEqual(outsider.ownership, [GUEST]);
  let call = client(outsider.token);
  let res = await call('GET', '/api/docuchat/tenants');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.items, []);
  res = await call('POST', '/api/docuchat/tenants', {
    id: 'not-mine',
    displayName: 'Not mine',
    ownerRef: GUEST,
  });
  assert.equal(res.status, 403, `creating a tenant answered ${res.status}`);
  res = await call('POST', '/api/permission/authorize', {
    items: [
      {
        id: 'create',
        permission: {
          type: 'basic',
          name: 'docuchat.tenant.create',
          attributes: { action: 'create' },
        },
      },
    ],
  });
  assert.deepEqual(res.body.items, [{ id: 'create', result: 'DENY' }]);
  step(
    `${GUEST}, who owns nothing: no tenant listed, 403 on POST /tenants, docuchat.tenant.create DENY`,
  );

  // The same person joins the operators group the README's config names.
  const operatorsGroup = operatorsGroupOfApp();
  const operator = await signInOperator();
  call = client(operator.token);
  res = await call('POST', '/api/docuchat/tenants', {
    id: TENANT,
    displayName: 'Verify install',
    ownerRef: GUEST,
  });
  assert.equal(
    res.status,
    201,
    `POST /tenants: ${res.status} ${JSON.stringify(res.body)}`,
  );
  step(
    `a member of ${operatorsGroup} creates tenant ${TENANT} through the API`,
  );

  res = await call(
    'POST',
    `/api/docuchat/tenants/${TENANT}/documents`,
    DOCUMENT,
  );
  assert.equal(
    res.status,
    202,
    `upload: ${res.status} ${JSON.stringify(res.body)}`,
  );
  const documentId = res.body.id;
  const ready = await until('the document ingested', 180, async () => {
    const doc = await call(
      'GET',
      `/api/docuchat/tenants/${TENANT}/documents/${documentId}`,
    );
    if (doc.body?.status === 'failed') {
      throw new Error(`ingestion failed: ${JSON.stringify(doc.body)}`);
    }
    return { done: doc.body?.status === 'ready', value: doc.body };
  });
  step(
    `document ingested with the local embedding model (${
      ready.chunkCount ?? '?'
    } chunks)`,
  );

  const ask = await fetch(`${BACKEND}/api/docuchat/tenants/${TENANT}/ask`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${operator.token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ question: QUESTION }),
  });
  assert.equal(ask.status, 200);
  assert.match(ask.headers.get('content-type'), /text\/event-stream/);
  const events = await readEvents(ask);
  const names = events.map(e => e.event);
  assert.equal(names[0], 'citations', `events: ${names.join(' ')}`);
  assert.equal(names.at(-1), 'done', `events: ${names.join(' ')}`);
  assert.ok(names.includes('token'), `no token event: ${names.join(' ')}`);
  const done = events.at(-1).data;
  assert.ok(
    done.citations.some(c => c.documentTitle === DOCUMENT.title),
    `no citation of ${DOCUMENT.title}: ${JSON.stringify(done.citations)}`,
  );
  assert.match(done.answer, /thirty-seven/i);
  step(
    `asked "${QUESTION}": ${
      names.filter(n => n === 'token').length
    } token events, cites "${DOCUMENT.title}", model ${done.model}`,
  );

  res = await call('GET', `/api/docuchat/tenants/${TENANT}/usage`);
  assert.equal(res.status, 200);
  const tokens = JSON.stringify(res.body.total);
  assert.ok(
    Object.values(res.body.total).some(v => typeof v === 'number' && v > 0),
    `no usage recorded: ${tokens}`,
  );
  step(`usage recorded: ${tokens}`);

  const entity = await until(
    'the tenant entity in the catalog',
    60,
    async () => {
      const e = await call(
        'GET',
        `/api/catalog/entities/by-name/resource/default/docuchat-tenant-${TENANT}`,
      );
      return { done: e.status === 200, value: e.body };
    },
  );
  assert.equal(entity.spec.type, 'docuchat-tenant');
  assert.equal(entity.spec.owner, GUEST);
  step(`catalog: resource:default/docuchat-tenant-${TENANT} owned by ${GUEST}`);

  // The scaffolder's docuchat:* actions are the ones the installed policy
  // keeps from non-operators: a new action must not slip past it.
  const { DOCUCHAT_RUNBOOK_ACTION_IDS } = createRequire(
    join(APP_DIR, 'packages/backend/package.json'),
  )('@docuchat/backstage-plugin-permission-backend-module-docuchat');
  res = await call('GET', '/api/scaffolder/v2/actions');
  assert.equal(res.status, 200);
  const actions = res.body
    .map(a => a.id)
    .filter(id => id.startsWith('docuchat:'));
  assert.equal(actions.length, 7, actions.join(', '));
  assert.deepEqual(actions.sort(), [...DOCUCHAT_RUNBOOK_ACTION_IDS].sort());
  const templates = await until(
    'the seven templates in the catalog',
    60,
    async () => {
      const t = await call(
        'GET',
        '/api/catalog/entities/by-query?filter=kind=template,metadata.tags=docuchat',
      );
      return { done: t.body?.items?.length === 7, value: t.body?.items ?? t };
    },
  );
  for (const template of templates) {
    res = await call(
      'GET',
      `/api/scaffolder/v2/templates/default/template/${template.metadata.name}/parameter-schema`,
    );
    assert.equal(res.status, 200, `${template.metadata.name}: ${res.status}`);
  }
  step(
    `scaffolder: actions ${actions.join(', ')}; templates ${templates
      .map(t => t.metadata.name)
      .join(', ')}`,
  );

  // One template run end to end: the new-tenant template's action calls
  // DocuChat on behalf of the operator.
  res = await call('POST', '/api/scaffolder/v2/tasks', {
    templateRef: 'template:default/docuchat-new-tenant',
    values: {
      id: `${TENANT}-scaffolded`,
      displayName: 'Scaffolded',
      ownerRef: GUEST,
    },
  });
  assert.equal(
    res.status,
    201,
    `task: ${res.status} ${JSON.stringify(res.body)}`,
  );
  const task = await until('the new-tenant template run', 60, async () => {
    const t = await call('GET', `/api/scaffolder/v2/tasks/${res.body.id}`);
    return {
      done: ['completed', 'failed'].includes(t.body?.status),
      value: t.body,
    };
  });
  assert.equal(task.status, 'completed', JSON.stringify(task));
  res = await call('GET', `/api/docuchat/tenants/${TENANT}-scaffolded`);
  assert.equal(res.status, 200);
  step(`template docuchat-new-tenant ran: tenant ${TENANT}-scaffolded exists`);
}

/**
 * `GET /api/search/query` as the holder of `token`: DocuChat's results, or
 * undefined while the engine has no `docuchat` index yet (Lunr answers 500
 * MissingIndexError until the collator's first run ends).
 */
async function searchAs(token, params, { indexed = true } = {}) {
  const res = await client(token)(
    'GET',
    `/api/search/query?${new URLSearchParams(params)}`,
  );
  if (!indexed && res.body?.error?.name === 'MissingIndexError') {
    return undefined;
  }
  assert.equal(
    res.status,
    200,
    `search: ${res.status} ${JSON.stringify(res.body)}`,
  );
  return res.body.results.filter(r => r.type === 'docuchat');
}

async function search() {
  // Tokens of the tenant's owner (not an operator) and of a person who owns
  // nothing; a token keeps the ownership it was issued with.
  const owner = await signInGuestAs(
    `${GUEST}, the owner of ${TENANT}`,
    {},
    token => token.ownership.join() === GUEST,
  );
  const outsider = await signInGuestAs(
    `${OUTSIDER}, who owns nothing`,
    { userEntityRef: OUTSIDER },
    token => token.ownership.join() === OUTSIDER,
  );
  // The browser phase signs in as the operator again.
  const operator = await signInOperator();

  // The collator runs 30 s after start-up and then every 10 minutes (the
  // module's defaults), so the document uploaded in the api phase is not in
  // the index yet: run the task now, as an operator can (search module
  // README). 409 while a run is under way: that one may have started before
  // the upload, so ask again until this request starts one.
  const trigger = `/api/search/.backstage/scheduler/v1/tasks/${SEARCH_TASK}/trigger`;
  const started = Date.now();
  await until(`POST ${trigger}`, 120, async () => {
    const res = await client(operator.token)('POST', trigger);
    if (![200, 409].includes(res.status)) {
      throw new Error(
        `POST ${trigger}: ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
    return { done: res.status === 200, value: res.status };
  });
  const query = { term: SEARCH_TERM, 'types[0]': 'docuchat' };
  const hits = await until(
    'the document in the portal search',
    180,
    async () => {
      const results = await searchAs(owner.token, query, { indexed: false });
      return { done: results?.length > 0, value: results ?? 'no index yet' };
    },
  );
  const { document } = hits[0];
  assert.equal(document.tenantId, TENANT, JSON.stringify(document));
  assert.equal(document.documentTitle, DOCUMENT.title);
  assert.match(document.text, new RegExp(SEARCH_TERM));
  assert.match(
    document.location,
    new RegExp(`^/docuchat/tenants/${TENANT}/documents\\?passage=`),
  );
  step(
    `search task triggered; ${GUEST} (the tenant's owner, not an operator) finds "${
      document.title
    }" for "${SEARCH_TERM}" after ${Math.round(
      (Date.now() - started) / 1000,
    )} s, linking to ${document.location}`,
  );

  assert.deepEqual(await searchAs(outsider.token, query), []);
  assert.deepEqual(await searchAs(outsider.token, { term: SEARCH_TERM }), []);
  step(
    `${OUTSIDER}, who owns nothing, finds no DocuChat result for "${SEARCH_TERM}" (of type docuchat or any type)`,
  );
}

async function browser() {
  const { chromium } = await import('playwright-core');
  mkdirSync(values.screenshots, { recursive: true });
  const instance = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await instance.newPage({
      viewport: { width: 1400, height: 900 },
    });
    page.setDefaultTimeout(60_000);
    await page.goto(`${FRONTEND}/docuchat/tenants/${TENANT}`);
    await page.getByRole('button', { name: /enter/i }).click();
    await page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'DocuChat', exact: true })
      .waitFor({ timeout: 120_000 });
    step('the DocuChat page is in the sidebar of the app (app.packages: all)');
    // A question the API phase did not ask, so the answer is not cached.
    const box = page.getByRole('textbox', { name: 'Question' });
    await box.fill(BROWSER_QUESTION);
    const asked = page.waitForResponse(res =>
      res.url().endsWith(`/tenants/${TENANT}/ask`),
    );
    await box.press('Enter');
    const response = await asked;
    assert.match(response.headers()['content-type'], /text\/event-stream/);
    const source = page
      .getByRole('button', {
        name: new RegExp(`^Source \\d+: ${DOCUMENT.title}`),
      })
      .first();
    await source.waitFor();
    const answer = page.getByTestId('docuchat-answer').first();
    await answer
      .getByText(/August/)
      .first()
      .waitFor();
    await source.click();
    await page
      .getByTestId('docuchat-passage')
      .getByText(/August/)
      .waitFor();
    await page.screenshot({
      path: join(values.screenshots, 'docuchat-page.png'),
    });
    step(
      `the DocuChat page streamed (text/event-stream) an answer citing "${
        DOCUMENT.title
      }", its passage open (screenshot ${join(
        values.screenshots,
        'docuchat-page.png',
      )})`,
    );

    // The app's search page (the search phase indexed the document) renders
    // the result with the frontend plugin's result item: the passage's
    // title linking to it, and the tenant.
    await page.goto(`${FRONTEND}/search?query=${SEARCH_TERM}`);
    const hit = page
      .getByRole('link', { name: new RegExp(`^${DOCUMENT.title}`) })
      .first();
    await hit.waitFor();
    await page.getByText('DocuChat · Verify install').first().waitFor();
    assert.match(
      await hit.getAttribute('href'),
      new RegExp(`/docuchat/tenants/${TENANT}/documents\\?passage=`),
    );
    await page.screenshot({
      path: join(values.screenshots, 'search-page.png'),
    });
    step(
      `the search page shows "${await hit.innerText()}" with DocuChat's result item (screenshot ${join(
        values.screenshots,
        'search-page.png',
      )})`,
    );
  } finally {
    await instance.close();
  }
}

const phases = { api, search, browser };
if (!phases[phase]) {
  console.error('usage: check-portal.mjs api|search|browser --app-dir DIR ...');
  process.exit(2);
}
try {
  await phases[phase]();
} catch (error) {
  console.error(`check-portal ${phase}: ${error.stack ?? error}`);
  process.exit(1);
}
