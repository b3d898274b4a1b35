import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import docuchatPlugin from '@docuchat/backstage-plugin-docuchat-backend';
import { catalogModuleDocuchat } from './module';

const USER = mockCredentials.user.header('user:default/operator');

/** A small JSON client for the test backend's HTTP server. */
function clientFor(server: { address(): any }) {
  const base = `http://127.0.0.1:${server.address().port}`;
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: USER, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}
type Client = ReturnType<typeof clientFor>;

/** Polls the catalog until `name` is there and has `relations`. */
async function waitForEntity(api: Client, name: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api(
      'GET',
      `/api/catalog/entities/by-name/resource/default/${name}`,
    );
    if (res.status === 200 && res.body.relations?.length) return res.body;
    if (Date.now() > deadline) {
      throw new Error(`${name} never appeared (last status ${res.status})`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('catalogModuleDocuchat with the real catalog and DocuChat backends', () => {
  async function start() {
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleDocuchat,
        // Template is the scaffolder's kind: its entity model validates it.
        scaffolderEntityModel,
        docuchatPlugin,
        // The real events service: one in-process bus shared by every
        // plugin, as in the portal (the mock gives each plugin its own).
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'https://portal.example.com' },
            events: { useEventBus: 'never' },
            catalog: {
              // The full refresh runs once at startup, then not for an hour:
              // anything seen later came as an event.
              providers: {
                docuchat: {
                  schedule: {
                    frequency: { hours: 1 },
                    timeout: { minutes: 1 },
                  },
                },
              },
            },
            docuchat: {
              openai: { apiKey: 'unused', baseURL: 'http://127.0.0.1:9/v1' },
              embeddings: { provider: 'openai', dimensions: 64 },
              environment: 'production',
              environments: [
                {
                  name: 'staging',
                  owner: 'group:default/platform',
                  kubernetes: { cluster: 'staging-cluster' },
                },
                {
                  name: 'production',
                  owner: 'group:default/platform',
                  kubernetes: { cluster: 'prod-cluster', namespace: 'dc' },
                },
              ],
              tenants: [
                {
                  id: 'acme',
                  displayName: 'Acme Corp',
                  ownerRef: 'group:default/acme-team',
                },
              ],
              // As app-config.yaml: the provider lists tenants as the
              // catalog plugin, without a user.
              serviceAccess: [
                {
                  subject: 'plugin:catalog',
                  permissions: ['docuchat.tenant.read'],
                },
              ],
            },
          },
        }),
      ],
    });
    return clientFor(server);
  }

  it('shows environments and tenants with their relations, and a new tenant at once', async () => {
    const api = await start();

    const production = await waitForEntity(api, 'docuchat-production');
    expect(production.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-cluster': 'prod-cluster',
      'backstage.io/kubernetes-namespace': 'dc',
    });

    const acme = await waitForEntity(api, 'docuchat-tenant-acme');
    expect(acme).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: 'docuchat-tenant-acme',
        title: 'Acme Corp',
        annotations: { 'docuchat.io/tenant-id': 'acme' },
        links: [{ url: 'https://portal.example.com/docuchat/tenants/acme' }],
      },
      spec: {
        type: 'docuchat-tenant',
        owner: 'group:default/acme-team',
        system: 'docuchat',
        dependsOn: ['resource:default/docuchat-production'],
      },
    });
    const relations = acme.relations.map(
      (r: { type: string; targetRef: string }) => `${r.type} ${r.targetRef}`,
    );
    expect(relations).toEqual(
      expect.arrayContaining([
        'ownedBy group:default/acme-team',
        'partOf system:default/docuchat',
        'dependsOn resource:default/docuchat-production',
      ]),
    );

    // No processing errors on what the provider emitted.
    const errors = await api(
      'GET',
      '/api/catalog/entities/by-query?filter=kind=resource&fields=metadata.name,status',
    );
    expect(errors.status).toBe(200);
    for (const item of errors.body.items) {
      expect(item.status?.items ?? []).toEqual([]);
    }

    // Created through the DocuChat API: appears long before the hourly
    // full refresh, through the docuchat.tenant event.
    const created = await api('POST', '/api/docuchat/tenants', {
      id: 'initech',
      displayName: 'Initech',
      ownerRef: 'group:default/initech',
    });
    expect(created.status).toBe(201);
    const initech = await waitForEntity(api, 'docuchat-tenant-initech');
    expect(initech.metadata.title).toBe('Initech');
    expect(initech.spec.owner).toBe('group:default/initech');

    // A renamed tenant is updated the same way.
    const renamed = await api('PATCH', '/api/docuchat/tenants/initech', {
      displayName: 'Initech Ltd',
    });
    expect(renamed.status).toBe(200);
    const deadline = Date.now() + 20_000;
    let title;
    do {
      await new Promise(r => setTimeout(r, 100));
      title = (await waitForEntity(api, 'docuchat-tenant-initech')).metadata
        .title;
    } while (title !== 'Initech Ltd' && Date.now() < deadline);
    expect(title).toBe('Initech Ltd');
  }, 60_000);

  it("provides the scaffolder module's templates from the installed package, with no catalog rule for Template", async () => {
    const api = await start();
    const shipped = join(
      dirname(
        require.resolve(
          '@docuchat/backstage-plugin-scaffolder-backend-module-docuchat/package.json',
        ),
      ),
      'templates',
    );
    const folders = readdirSync(shipped).sort();
    expect(folders).toHaveLength(7);

    let templates: any[] = [];
    const deadline = Date.now() + 20_000;
    while (templates.length < folders.length && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 100));
      templates =
        (
          await api(
            'GET',
            '/api/catalog/entities/by-query?filter=kind=template',
          )
        ).body?.items ?? [];
    }
    expect(templates.map(t => t.metadata.name).sort()).toEqual(
      folders.map(folder => `docuchat-${folder}`).sort(),
    );
    for (const template of templates) {
      // The template's file, so fetch:template finds ./skeleton beside it.
      const location =
        template.metadata.annotations['backstage.io/managed-by-location'];
      expect(location).toMatch(
        new RegExp(`^file:${shipped}/[a-z-]+/template\\.yaml$`),
      );
      expect(template.status?.items ?? []).toEqual([]);
    }
  }, 60_000);
});
