import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { existsSync } from 'fs';
import { Knex } from 'knex';
import { AddressInfo } from 'net';
import request from 'supertest';
import {
  ALICE,
  as,
  BOB,
  startDocuchatTestBackend,
  waitUntilReady,
} from '../__testUtils__/docuchatTestBackend';
import {
  chatCompletionsRoute,
  OpenAiTestServer,
  startOpenAiTestServer,
  PROMETHEUS_BINARY,
  PrometheusServer,
  QueryResult,
  ScrapeJob,
  startPrometheusServer,
} from '@internal/docuchat-test-utils';

const databaseIds: TestDatabaseId[] = ['POSTGRES_17', 'SQLITE_3'];
const METRICS_TOKEN = 'scrape-token-6f1c0d7e9a2b4c58';
const SCRAPE_WAIT_MS = 30_000;

jest.setTimeout(60_000);

const prometheusInstalled = existsSync(PROMETHEUS_BINARY);
if (!prometheusInstalled && process.env.CI) {
  throw new Error(
    `${PROMETHEUS_BINARY} is missing; CI must install it (Debian package "prometheus") for the scrape test`,
  );
}
const describeWithPrometheus = prometheusInstalled ? describe : describe.skip;

const documents = {
  acme: {
    user: ALICE,
    title: 'Runbooks',
    text: [
      '# Rotating secrets',
      'The rotate-secrets runbook replaces the OpenAI key and the Zibal merchant key every ninety days.',
      '# Backups',
      'Nightly backups of PostgreSQL are kept for thirty days in object storage.',
    ].join('\n\n'),
    questions: [
      'How long are backups kept?',
      'Where are the nightly backups stored?',
      'Which keys does the rotate-secrets runbook replace?',
      'How often is the Zibal merchant key rotated?',
      'Are PostgreSQL backups kept in object storage?',
      'When is the OpenAI key replaced?',
    ],
  },
  globex: {
    user: BOB,
    title: 'Globex secrets',
    text: [
      'The Globex quartermaster rotates the zeppelin passphrase weekly.',
      'The hangar doors open with a badge issued by the quartermaster.',
    ].join('\n\n'),
    questions: [
      'Who rotates the zeppelin passphrase?',
      'How often is the zeppelin passphrase rotated?',
      'Who issues the hangar badges?',
      'What opens the hangar doors?',
      'Does the quartermaster rotate the passphrase weekly?',
      'Which passphrase does the quartermaster keep?',
    ],
  },
};
type TenantId = keyof typeof documents;
const tenantIds = Object.keys(documents) as TenantId[];

/** Series of an instant vector, keyed by the values of `labels`. */
function byLabels(results: QueryResult[], ...labels: string[]) {
  return Object.fromEntries(
    results.map(r => [
      labels.map(l => r.metric[l]).join('/'),
      Number(r.value![1]),
    ]),
  );
}

async function waitFor<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  prometheus: PrometheusServer,
): Promise<T> {
  const deadline = Date.now() + SCRAPE_WAIT_MS;
  while (Date.now() < deadline) {
    const result = await attempt();
    if (result !== undefined) return result;
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  throw new Error(
    `Waited ${SCRAPE_WAIT_MS} ms for ${what}\n--- Prometheus log ---\n${prometheus.log()}`,
  );
}

const jobOf = (databaseId: TestDatabaseId) =>
  `docuchat_${databaseId.toLowerCase()}`;
const wrongTokenJobOf = (databaseId: TestDatabaseId) =>
  `${jobOf(databaseId)}_wrong_token`;

/** Time (epoch seconds) of the newest scrape Prometheus has stored for `job`. */
async function lastScrapeTime(prometheus: PrometheusServer, job: string) {
  const [up] = await prometheus.query(`timestamp(up{job="${job}"})`);
  return up ? Number(up.value![1]) : undefined;
}

describeWithPrometheus('a real Prometheus scraping GET /metrics', () => {
  const databases = TestDatabases.create({ ids: databaseIds });
  const backends = new Map<TestDatabaseId, { knex: Knex; server: any }>();
  let openAi: OpenAiTestServer;
  let prometheus: PrometheusServer;

  // One Prometheus scrapes the backends of all databases: it hands new
  // targets to its scrapers only after about 5 s, a wait worth paying once.
  beforeAll(async () => {
    // Slow answers keep questions in flight across several 1 s scrapes.
    openAi = await startOpenAiTestServer({
      routes: {
        'POST /v1/chat/completions': chatCompletionsRoute({
          chunkDelayMs: 40,
        }),
      },
    });
    const jobs: ScrapeJob[] = [];
    for (const [databaseId] of databases.eachSupportedId()) {
      const knex = await databases.init(databaseId);
      const server = await startDocuchatTestBackend({
        knex,
        openAiBaseURL: openAi.baseURL,
        docuchat: {
          metrics: { bearerToken: METRICS_TOKEN },
          chat: { models: [{ model: 'gpt-scraped' }] },
          // Every question must reach the model and be metered.
          cache: { answers: { ttlSeconds: 0 } },
        },
      });
      backends.set(databaseId, { knex, server });
      const { port } = (server as { address(): AddressInfo }).address();
      const target = `127.0.0.1:${port}`;
      const metricsPath = '/api/docuchat/metrics';
      jobs.push(
        {
          jobName: jobOf(databaseId),
          target,
          metricsPath,
          bearerToken: METRICS_TOKEN,
        },
        {
          jobName: wrongTokenJobOf(databaseId),
          target,
          metricsPath,
          bearerToken: `${METRICS_TOKEN}-not`,
        },
      );
    }
    prometheus = await startPrometheusServer({ scrapeInterval: '1s', jobs });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await openAi?.close();
  });

  // TestDatabases silently skips a PostgreSQL it cannot reach; CI starts both.
  it('runs against every database CI provides', () => {
    const required = process.env.CI ? databaseIds : ['SQLITE_3'];
    expect(databases.eachSupportedId().map(([id]) => id)).toEqual(
      expect.arrayContaining(required),
    );
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const JOB = jobOf(databaseId);
    const WRONG_TOKEN_JOB = wrongTokenJobOf(databaseId);
    let knex: Knex;
    let server: any;

    beforeAll(() => {
      ({ knex, server } = backends.get(databaseId)!);
    });

    const ledgerSums = async () => {
      // PostgreSQL returns sums of integers as strings.
      const rows: Array<{
        tenant_id: string;
        prompt: number | string;
        completion: number | string;
      }> = await knex('docuchat_usage')
        .select('tenant_id')
        .sum({ prompt: 'prompt_tokens', completion: 'completion_tokens' })
        .groupBy('tenant_id');
      const sums: Record<string, { prompt: number; completion: number }> = {};
      for (const row of rows) {
        sums[row.tenant_id] = {
          prompt: Number(row.prompt),
          completion: Number(row.completion),
        };
      }
      return sums;
    };

    const scrapedSums = async () => ({
      byTenant: byLabels(
        await prometheus.query(
          `sum by (tenant) (openai_tokens_total{job="${JOB}"})`,
        ),
        'tenant',
      ),
      byDirection: byLabels(
        await prometheus.query(
          `sum by (tenant, direction) (openai_tokens_total{job="${JOB}"})`,
        ),
        'tenant',
        'direction',
      ),
    });

    it("sums openai_tokens_total by tenant to exactly the ledger's sums", async () => {
      // Ingestion embeds the chunks: those calls are metered too.
      await Promise.all(
        tenantIds.map(async tenant => {
          const { user, title, text } = documents[tenant];
          const upload = await request(server)
            .post(`/api/docuchat/tenants/${tenant}/documents`)
            .set('Authorization', as(user))
            .send({ title, text })
            .expect(202);
          const ready = await waitUntilReady(
            server,
            tenant,
            upload.body.id,
            user,
          );
          expect(ready.status).toBe('ready');
        }),
      );

      await waitFor(
        'the first scrape',
        () => lastScrapeTime(prometheus, JOB),
        prometheus,
      );
      const askingFrom = Date.now() / 1000;
      // Each tenant asks one question after another, both at the same time.
      await Promise.all(
        tenantIds.map(async tenant => {
          const { user, questions } = documents[tenant];
          for (const question of questions) {
            const res = await request(server)
              .post(`/api/docuchat/tenants/${tenant}/ask`)
              .set('Authorization', as(user))
              .send({ question, stream: false });
            expect(res.status).toBe(200);
            expect(res.body.model).toBe('openai:gpt-scraped');
          }
        }),
      );
      const askedUntil = Date.now() / 1000;

      // Settled: two scrapes, both begun after the last answer, agree.
      let previous: { time: number; sums: string } | undefined;
      const settled = await waitFor(
        'two scrapes after the last question that agree',
        async () => {
          const time = await lastScrapeTime(prometheus, JOB);
          if (time === undefined || time <= askedUntil) return undefined;
          if (time === previous?.time) return undefined;
          const sums = await scrapedSums();
          const agreed = previous?.sums === JSON.stringify(sums);
          previous = { time, sums: JSON.stringify(sums) };
          return agreed ? sums : undefined;
        },
        prometheus,
      );

      const ledger = await ledgerSums();
      expect(Object.keys(ledger).sort()).toEqual(tenantIds);
      const expectedByTenant = Object.fromEntries(
        Object.entries(ledger).map(([tenant, s]) => [
          tenant,
          s.prompt + s.completion,
        ]),
      );
      expect(settled.byTenant).toEqual(expectedByTenant);
      const expectedByDirection = Object.fromEntries(
        Object.entries(ledger).flatMap(([tenant, s]) => [
          [`${tenant}/prompt`, s.prompt],
          [`${tenant}/completion`, s.completion],
        ]),
      );
      expect(settled.byDirection).toEqual(expectedByDirection);
      for (const tenant of tenantIds) {
        expect(ledger[tenant].completion).toBeGreaterThan(0);
      }

      // Prometheus scraped while the questions were being answered: it holds
      // completion-token totals between none and the final one.
      const [series] = await prometheus.query(
        `openai_tokens_total{job="${JOB}", tenant="acme", direction="completion", model="openai:gpt-scraped"}[1m]`,
      );
      const during = (series?.values ?? []).filter(
        ([t, v]) =>
          t > askingFrom &&
          t < askedUntil &&
          Number(v) > 0 &&
          Number(v) < ledger.acme.completion,
      );
      expect(during.length).toBeGreaterThan(0);
    });

    it('lets the scrape through on the metrics token alone, and only the metrics route', async () => {
      const health = await waitFor(
        'a scrape of both jobs',
        async () => {
          const up = byLabels(
            await prometheus.query(`up{job=~"${JOB}|${WRONG_TOKEN_JOB}"}`),
            'job',
          );
          return up[JOB] !== undefined && up[WRONG_TOKEN_JOB] !== undefined
            ? up
            : undefined;
        },
        prometheus,
      );
      expect(health).toEqual({ [JOB]: 1, [WRONG_TOKEN_JOB]: 0 });
      const wrong = (await prometheus.targets()).find(
        t => t.labels.job === WRONG_TOKEN_JOB,
      );
      expect(wrong?.lastError).toMatch(/401/);

      const metrics = () => request(server).get('/api/docuchat/metrics');
      await metrics()
        .set('Authorization', `Bearer ${METRICS_TOKEN}`)
        .expect(200)
        .expect('Content-Type', /^text\/plain/);
      await metrics().expect(401);
      await metrics().set('Authorization', as(ALICE)).expect(401);

      // Other routes still want Backstage credentials: the metrics token,
      // or none at all, gets a 401.
      const documentsOfAcme = () =>
        request(server).get('/api/docuchat/tenants/acme/documents');
      await documentsOfAcme()
        .set('Authorization', `Bearer ${METRICS_TOKEN}`)
        .expect(401);
      await documentsOfAcme()
        .set('Authorization', mockCredentials.none.header())
        .expect(401);
      await documentsOfAcme().set('Authorization', as(ALICE)).expect(200);
    });
  });
});
