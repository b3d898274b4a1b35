import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { DocuchatEntityProvider } from './DocuchatEntityProvider';
import { readEnvironments } from './readEnvironments';

function connectionSpy() {
  const applyMutation = jest.fn();
  const connection: EntityProviderConnection = {
    applyMutation,
    refresh: jest.fn(),
  };
  return { connection, applyMutation };
}

describe('DocuchatEntityProvider', () => {
  it('provides each configured environment as a Resource', async () => {
    const config = new ConfigReader({
      docuchat: {
        environments: [
          {
            name: 'staging',
            title: 'Staging',
            owner: 'group:default/platform',
            url: 'https://docuchat-staging.example.com',
          },
          {
            name: 'production',
            owner: 'group:default/platform',
            kubernetes: {
              id: 'docuchat',
              namespace: 'docuchat-prod',
              cluster: 'prod-cluster',
            },
          },
        ],
      },
    });
    const provider = new DocuchatEntityProvider({
      environments: readEnvironments(config),
      logger: mockServices.logger.mock(),
    });
    const { connection, applyMutation } = connectionSpy();

    await provider.connect(connection);

    expect(applyMutation).toHaveBeenCalledTimes(1);
    const { type, entities } = applyMutation.mock.calls[0][0];
    expect(type).toBe('full');
    expect(entities.map((e: any) => e.entity.metadata.name)).toEqual([
      'docuchat-staging',
      'docuchat-production',
    ]);
    const [staging, production] = entities.map((e: any) => e.entity);
    expect(staging).toMatchObject({
      kind: 'Resource',
      metadata: {
        title: 'DocuChat Staging',
        annotations: {
          'backstage.io/kubernetes-id': 'docuchat-staging',
          'backstage.io/kubernetes-namespace': 'docuchat-staging',
          'backstage.io/managed-by-location': 'docuchat:environment/staging',
        },
        links: [{ url: 'https://docuchat-staging.example.com' }],
      },
      spec: {
        type: 'docuchat-environment',
        owner: 'group:default/platform',
        system: 'docuchat',
      },
    });
    expect(production.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': 'docuchat',
      'backstage.io/kubernetes-namespace': 'docuchat-prod',
      'backstage.io/kubernetes-cluster': 'prod-cluster',
    });
    expect(staging.metadata.annotations).not.toHaveProperty(
      'backstage.io/kubernetes-cluster',
    );
    expect(production.metadata.links).toBeUndefined();
  });

  it('empties its entities when no environment is configured', async () => {
    const provider = new DocuchatEntityProvider({
      environments: readEnvironments(new ConfigReader({})),
      logger: mockServices.logger.mock(),
    });
    const { connection, applyMutation } = connectionSpy();
    await provider.connect(connection);
    expect(applyMutation).toHaveBeenCalledWith({ type: 'full', entities: [] });
  });

  it.each([
    [
      { name: 'Prod!', owner: 'group:default/x' },
      /"Prod!" is not a valid name/,
    ],
    [{ name: 'prod' }, /owner/],
  ])('rejects bad config %p', (env, message) => {
    expect(() =>
      readEnvironments(new ConfigReader({ docuchat: { environments: [env] } })),
    ).toThrow(message);
  });

  it('rejects an environment listed twice', () => {
    const env = { name: 'prod', owner: 'group:default/x' };
    expect(() =>
      readEnvironments(
        new ConfigReader({ docuchat: { environments: [env, env] } }),
      ),
    ).toThrow('"prod" is listed twice');
  });
});
