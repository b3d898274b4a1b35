/* eslint-disable jest/no-export -- shared set-up, not a test file itself */
import {
  coreServices,
  createServiceFactory,
  PermissionsService,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import techdocsPlugin from '@backstage/plugin-techdocs-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory, { Knex } from 'knex';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { adminOnlyPermissions, ALICE, as } from './testUsers';
import { docuchatPlugin } from '../plugin';

/**
 * What the portal's policy answers for these tests: DocuChat's permissions
 * as in the router tests (owners use their tenants), and catalog entities
 * readable by their owner only (the catalog's own IS_ENTITY_OWNER rule,
 * which the catalog applies itself), so what a user's sync may read is the
 * real catalog's and TechDocs' decision.
 */
const portalPermissions: PermissionsService = {
  authorize: (requests, options) =>
    adminOnlyPermissions.authorize(requests, options),
  async authorizeConditional(requests, options) {
    const docuchat = await adminOnlyPermissions.authorizeConditional(
      requests,
      options,
    );
    const principal = options.credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    return requests.map(({ permission }, i) => {
      if (permission.name.startsWith('docuchat.')) return docuchat[i];
      if (principal.type !== 'user') return { result: AuthorizeResult.ALLOW };
      if (permission.name !== 'catalog.entity.read') {
        return { result: AuthorizeResult.ALLOW };
      }
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: [principal.userEntityRef!] },
        },
      };
    });
  },
};

/** A page of the test site: its file under docs/ and its Markdown. */
export type SitePages = Record<string, string>;

/**
 * A repository on disk: catalog-info.yaml with the `billing` component
 * (owned by Alice, TechDocs in billing-docs/) and `vault` (owned by a group
 * Alice is not in, TechDocs too), and the two MkDocs sites.
 */
export async function createPortalRepository(billingPages: SitePages) {
  const root = await mkdtemp(join(tmpdir(), 'docuchat-sources-'));
  const entity = (name: string, owner: string, description: string) => `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  description: ${description}
  annotations:
    backstage.io/techdocs-ref: dir:./${name}-docs
  links:
    - url: https://status.example.com/${name}
      title: ${name} status page
spec:
  type: service
  lifecycle: production
  owner: ${owner}
  system: payments
`;
  await writeFile(
    join(root, 'catalog-info.yaml'),
    entity('billing', ALICE, 'Bills tenants daily and sends invoices.') +
      entity('vault', 'group:default/security', 'Keeps the master keys.'),
  );
  await writeSite(root, 'billing', billingPages);
  await writeSite(root, 'vault', {
    'index.md':
      '# Vault\n\nThe vault master key is split between five officers.\n',
  });
  return root;
}

/** Writes (or rewrites) a site's pages; mkdocs.yml lists them in order. */
export async function writeSite(root: string, name: string, pages: SitePages) {
  const dir = join(root, `${name}-docs`);
  await mkdir(join(dir, 'docs'), { recursive: true });
  await writeFile(
    join(dir, 'mkdocs.yml'),
    `site_name: ${name}\nnav:\n${Object.keys(pages)
      .map(page => `  - ${page}`)
      .join('\n')}\n`,
  );
  for (const [file, markdown] of Object.entries(pages)) {
    await mkdir(join(dir, 'docs', file, '..'), { recursive: true });
    await writeFile(join(dir, 'docs', file), markdown);
  }
}

interface TestScheduler {
  factory(): ServiceFactory;
}

function memoryDatabase(): Knex {
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
}

/**
 * The real catalog (reading `repository`/catalog-info.yaml) and the real
 * TechDocs backend (local builder running Debian's `mkdocs`, without the
 * techdocs-core plugin, which PyPI would bring; local publisher in a temp
 * directory), and DocuChat on `knex` embedding with the OpenAI test server.
 */
export async function startPortalTestBackend(options: {
  knex: Knex;
  openAiBaseURL: string;
  repository: string;
  docuchat?: Record<string, unknown>;
  /** A scheduler the test triggers tasks on (`mockServices.scheduler()`). */
  scheduler?: SchedulerService;
}) {
  const publishDirectory = await mkdtemp(join(tmpdir(), 'docuchat-techdocs-'));
  const databases = createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) =>
      mockServices.database({
        knex: plugin.getId() === 'docuchat' ? options.knex : memoryDatabase(),
      }),
  });
  const { server } = await startTestBackend({
    features: [
      docuchatPlugin,
      catalogPlugin,
      techdocsPlugin,
      databases,
      // The mock scheduler's instances are service factories too.
      ...(options.scheduler
        ? [(options.scheduler as unknown as TestScheduler).factory()]
        : []),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => portalPermissions,
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          permission: { enabled: true },
          catalog: {
            rules: [{ allow: ['Component', 'System', 'Location'] }],
            locations: [
              {
                type: 'file',
                target: join(options.repository, 'catalog-info.yaml'),
              },
            ],
          },
          techdocs: {
            builder: 'local',
            generator: {
              runIn: 'local',
              mkdocs: { omitTechdocsCorePlugin: true },
            },
            publisher: { type: 'local', local: { publishDirectory } },
          },
          docuchat: {
            openai: { apiKey: 'test-key', baseURL: options.openAiBaseURL },
            embeddings: { provider: 'openai', dimensions: 64 },
            ingestion: { chunkTokens: 80, overlapTokens: 10 },
            tenants: [{ id: 'acme', displayName: 'Acme', ownerRef: ALICE }],
            ...options.docuchat,
          },
        },
      }),
    ],
  });
  await waitForEntity(server, 'component:default/billing');
  return server;
}

/** The catalog reads its locations shortly after start-up. */
async function waitForEntity(server: any, ref: string) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  for (let i = 0; i < 300; i++) {
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)
      .set('Authorization', as(ALICE));
    if (res.status === 200) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`The catalog never showed ${ref}`);
}

/** Polls the source until its sync has ended; the source. */
export async function waitForSync(
  server: any,
  tenant: string,
  sourceId: string,
  user: string,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await request(server)
      .get(`/api/docuchat/tenants/${tenant}/sources/${sourceId}`)
      .set('Authorization', as(user));
    if (res.body.status === 'idle' && res.body.lastSync?.finishedAt) {
      return res.body;
    }
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`source ${sourceId} never finished syncing`);
}

/** Polls the tenant's documents until none is queued or processing. */
export async function waitForDocuments(
  server: any,
  tenant: string,
  user: string,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await request(server)
      .get(`/api/docuchat/tenants/${tenant}/documents`)
      .set('Authorization', as(user));
    if (
      res.body.items.every((d: { status: string }) =>
        ['ready', 'failed'].includes(d.status),
      )
    ) {
      return res.body.items;
    }
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`documents of ${tenant} never finished`);
}
