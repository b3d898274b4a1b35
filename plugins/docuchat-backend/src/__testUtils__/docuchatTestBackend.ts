import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { docuchatPlugin } from '../plugin';
import { adminOnlyPermissions, ALICE, as, BOB } from './testUsers';

export { ADMIN, ALICE, as, BOB } from './testUsers';

const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => adminOnlyPermissions,
});

/**
 * The DocuChat plugin in a test backend on `knex`, talking to the local
 * OpenAI test server, with tenants acme (Alice) and globex (Bob). `docuchat`
 * overrides or adds to the default `docuchat` config.
 */
export async function startDocuchatTestBackend(options: {
  knex: Knex;
  openAiBaseURL: string;
  docuchat?: Record<string, unknown>;
  /** Other top-level config beside `docuchat`, e.g. `backend`. */
  config?: Record<string, unknown>;
  /** More features or service factories, e.g. a registry to inspect. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
}) {
  const { server } = await startTestBackend({
    features: [
      ...(options.features ?? []),
      docuchatPlugin,
      permissionsFactory,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          docuchat: {
            openai: { apiKey: 'test-key', baseURL: options.openAiBaseURL },
            embeddings: { provider: 'openai', dimensions: 64 },
            ingestion: {
              maxUploadMegabytes: 1,
              chunkTokens: 80,
              overlapTokens: 10,
            },
            tenants: [
              { id: 'acme', displayName: 'Acme', ownerRef: ALICE },
              { id: 'globex', displayName: 'Globex', ownerRef: BOB },
            ],
            ...options.docuchat,
          },
        },
      }),
    ],
  });
  return server;
}

/** Polls a document until ingestion has finished; its summary. */
export async function waitUntilReady(
  server: any,
  tenant: string,
  id: string,
  user: string,
) {
  for (let i = 0; i < 200; i++) {
    const res = await request(server)
      .get(`/api/docuchat/tenants/${tenant}/documents/${id}`)
      .set('Authorization', as(user));
    if (res.body.status === 'ready' || res.body.status === 'failed') {
      return res.body;
    }
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`document ${id} never finished`);
}
