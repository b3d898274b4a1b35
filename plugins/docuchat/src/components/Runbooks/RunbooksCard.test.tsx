import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import {
  ENVIRONMENT_ENTITY,
  renderEntityCard,
} from '../../__testUtils__/entityPages';
import { responseError } from '../../__testUtils__/renderDocuChat';
import { RunbooksCard } from './RunbooksCard';

/** A template; `environment` gives it the runbooks' environment picker. */
const template = (
  name: string,
  title: string,
  tags: string[] = [],
  parameters: string[] = ['environment', 'release'],
) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace: 'default', title, tags },
  spec: {
    type: 'runbook',
    parameters: [
      {
        properties: Object.fromEntries(
          parameters.map(p => [p, { type: 'string' }]),
        ),
      },
    ],
  },
});

const hrefOf = (text: string) =>
  new URL(
    screen.getByText(text).closest('a')!.getAttribute('href')!,
    'http://portal',
  );

describe('RunbooksCard', () => {
  it('links each DocuChat template into the scaffolder with the environment filled in', async () => {
    const catalogApi = catalogApiMock({
      entities: [
        template('rotate-secrets', 'Rotate secrets'),
        template('docuchat-scale-gpu-workers', 'Scale GPU workers'),
        template('tagged-runbook', 'Tagged runbook', ['docuchat']),
        template('unrelated', 'Someone else’s template'),
        template(
          'docuchat-new-tenant',
          'New DocuChat tenant',
          ['docuchat'],
          ['id', 'displayName'],
        ),
      ],
    });
    await renderEntityCard(<RunbooksCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      apis: [[catalogApiRef, catalogApi]],
    });
    const link = (await screen.findByText('Rotate secrets')).closest('a')!;
    const url = new URL(link.getAttribute('href')!, 'http://portal');
    expect(url.pathname).toBe('/create/templates/default/rotate-secrets');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      environment: 'resource:default/docuchat-production',
    });
    expect(screen.getByText('Scale GPU workers')).toBeInTheDocument();
    expect(screen.getByText('Tagged runbook')).toBeInTheDocument();
    expect(
      screen.queryByText('Someone else’s template'),
    ).not.toBeInTheDocument();
    // Runbooks that act on the environment first, then the others.
    expect(screen.getAllByRole('link').map(a => a.textContent)).toEqual([
      'Rotate secrets',
      'Scale GPU workers',
      'Tagged runbook',
      'New DocuChat tenant',
    ]);
    // A template without an environment parameter opens empty.
    const newTenant = hrefOf('New DocuChat tenant');
    expect(newTenant.pathname).toBe(
      '/create/templates/default/docuchat-new-tenant',
    );
    expect(newTenant.searchParams.has('formData')).toBe(false);
  });

  it('says so when the catalog has no DocuChat templates', async () => {
    await renderEntityCard(<RunbooksCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      apis: [[catalogApiRef, catalogApiMock({ entities: [] })]],
    });
    expect(
      await screen.findByText('No DocuChat templates in the catalog.'),
    ).toBeInTheDocument();
  });

  it('shows progress while loading and the error of a failed request', async () => {
    await renderEntityCard(<RunbooksCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      apis: [[catalogApiRef, { getEntities: () => new Promise(() => {}) }]],
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error of a failed catalog request', async () => {
    await renderEntityCard(<RunbooksCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      apis: [
        [
          catalogApiRef,
          {
            getEntities: async () => {
              throw new Error('catalog down');
            },
          },
        ],
      ],
    });
    expect((await screen.findAllByText(/catalog down/)).length).toBeGreaterThan(
      0,
    );
  });

  it('shows "not permitted" when the catalog refuses the templates', async () => {
    await renderEntityCard(<RunbooksCard />, {
      api: {},
      entity: ENVIRONMENT_ENTITY,
      apis: [
        [
          catalogApiRef,
          {
            getEntities: async () => {
              throw await responseError(
                403,
                'NotAllowedError',
                'catalog says no',
              );
            },
          },
        ],
      ],
    });
    expect(
      await screen.findByText('You are not allowed to see this.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/catalog says no/)).not.toBeInTheDocument();
  });
});
