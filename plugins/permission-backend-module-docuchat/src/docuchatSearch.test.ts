import {
  ServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import searchPlugin from '@backstage/plugin-search-backend';
import docuchatCollator from '@docuchat/backstage-plugin-search-backend-module-docuchat';
import request from 'supertest';
import {
  ALICE,
  as,
  BOB,
  OPERATOR,
  OUTSIDER,
  startPolicyTestBackend,
} from './__testUtils__/policyTestBackend';

jest.setTimeout(120_000);

// Two tenants (acme: Alice's group; globex: Bob) and three users, plus an
// operator: the portal's search, with its permission filtering on and the
// portal's policy deciding, shows a tenant's passages only to its readers.
describe('DocuChat documents in the portal search', () => {
  let server: any;

  const search = (user: string, term: string) =>
    request(server)
      .get('/api/search/query')
      .query({ term, 'types[0]': 'docuchat' })
      .set('Authorization', as(user));
  const tenantsFound = async (user: string, term: string) => {
    const res = await search(user, term);
    expect(res.status).toBe(200);
    return [
      ...new Set<string>(res.body.results.map((r: any) => r.document.tenantId)),
    ].sort();
  };

  beforeAll(async () => {
    const scheduler: SchedulerService = mockServices.scheduler();
    server = await startPolicyTestBackend({
      features: [
        searchPlugin,
        docuchatCollator,
        (scheduler as unknown as { factory(): ServiceFactory }).factory(),
      ],
      config: {
        search: {
          collators: {
            docuchat: {
              // Small pages, so the collator's paging runs too.
              pageSize: 1,
              schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
            },
          },
        },
      },
      docuchat: {
        serviceAccess: [
          {
            subject: 'plugin:search',
            permissions: ['docuchat.tenant.read', 'docuchat.chat'],
          },
        ],
      },
    });
    for (const [tenant, user] of [
      ['acme', ALICE],
      ['globex', BOB],
    ]) {
      const res = await request(server)
        .post(`/api/docuchat/tenants/${tenant}/documents`)
        .set('Authorization', as(user))
        .send({
          title: `${tenant}: Invoices`,
          text: `# Invoices\n\nThe ${tenant} invoice is sent on the first day of the month.\n\n# Refunds\n\nRefunds of ${tenant} take a week.`,
          contentType: 'text/markdown',
        });
      if (res.status !== 202) throw new Error(`${res.status} ${res.text}`);
      for (let i = 0; i < 200; i++) {
        const doc = await request(server)
          .get(`/api/docuchat/tenants/${tenant}/documents/${res.body.id}`)
          .set('Authorization', as(user));
        if (doc.body.status === 'ready') break;
        await new Promise(r => setTimeout(r, 50));
      }
    }
    await scheduler.triggerTask('search_index_docuchat');
  });

  it('shows each user only the passages of tenants it may read', async () => {
    expect(await tenantsFound(ALICE, 'invoice')).toEqual(['acme']);
    expect(await tenantsFound(BOB, 'invoice')).toEqual(['globex']);
    expect(await tenantsFound(OUTSIDER, 'invoice')).toEqual([]);
    expect(await tenantsFound(OPERATOR, 'invoice')).toEqual(['acme', 'globex']);
    // Naming the other tenant finds nothing of it either.
    expect(await tenantsFound(ALICE, 'globex')).not.toContain('globex');
    expect(await tenantsFound(BOB, 'acme')).not.toContain('acme');
    expect(await tenantsFound(OUTSIDER, 'acme')).toEqual([]);
  });

  it('indexes each passage with its headings and a link to it on the DocuChat page', async () => {
    const res = await search(ALICE, 'refunds');
    const [hit] = res.body.results;
    expect(hit.type).toBe('docuchat');
    expect(hit.document).toMatchObject({
      title: 'acme: Invoices › Refunds',
      tenantId: 'acme',
      tenantName: 'Acme',
      documentTitle: 'acme: Invoices',
      headingPath: ['Refunds'],
    });
    // A first heading the title ends with is not said twice.
    const invoices = await search(ALICE, 'first day of the month');
    expect(invoices.body.results[0].document).toMatchObject({
      title: 'acme: Invoices',
      headingPath: ['Invoices'],
    });
    expect(hit.document.text).toContain('Refunds of acme take a week.');
    expect(hit.document.location).toBe(
      `/docuchat/tenants/acme/documents?passage=${hit.document.chunkId}`,
    );
  });

  it('is refused by DocuChat without a service grant', async () => {
    const res = await request(server)
      .get('/api/docuchat/tenants/acme/passages')
      .set('Authorization', as(OUTSIDER));
    expect(res.status).toBe(404);
  });
});
