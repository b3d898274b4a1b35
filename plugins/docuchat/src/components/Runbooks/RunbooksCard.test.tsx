import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import {
  ENVIRONMENT_ENTITY,
  renderEntityCard,
} from '../../__testUtils__/entityPages';
import { RunbooksCard } from './RunbooksCard';

const template = (name: string, title: string, tags: string[] = []) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace: 'default', title, tags },
  spec: { type: 'runbook' },
});

describe('RunbooksCard', () => {
  it('links each DocuChat template into the scaffolder with the environment filled in', async () => {
    const catalogApi = catalogApiMock({
      entities: [
        template('rotate-secrets', 'Rotate secrets'),
        template('docuchat-scale-gpu-workers', 'Scale GPU workers'),
        template('tagged-runbook', 'Tagged runbook', ['docuchat']),
        template('unrelated', 'Someone else’s template'),
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
});
