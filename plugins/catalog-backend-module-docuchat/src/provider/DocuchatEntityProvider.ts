import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { DocuchatEnvironment, environmentEntityName } from './readEnvironments';

/** The Resource type of a DocuChat environment entity. */
export const ENVIRONMENT_RESOURCE_TYPE = 'docuchat-environment';

/**
 * The cluster (by its name in the `kubernetes` config) an environment runs
 * in; the Kubernetes plugin's single-tenant locator reads the same key, and
 * the `docuchat:*` runbook actions act on that cluster.
 */
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/**
 * Puts DocuChat environments into the catalog as `Resource` entities with the
 * Kubernetes annotations the kubernetes plugin needs to show their workloads.
 */
export class DocuchatEntityProvider implements EntityProvider {
  readonly #environments: DocuchatEnvironment[];
  readonly #logger: LoggerService;

  constructor(options: {
    environments: DocuchatEnvironment[];
    logger: LoggerService;
  }) {
    this.#environments = options.environments;
    this.#logger = options.logger;
  }

  getProviderName() {
    return 'docuchat';
  }

  async connect(connection: EntityProviderConnection) {
    // Environments come from config, which only changes with a restart, so
    // one full mutation at connect is enough.
    const entities = this.#environments.map(env => ({
      entity: this.toEntity(env),
      locationKey: this.getProviderName(),
    }));
    await connection.applyMutation({ type: 'full', entities });
    this.#logger.info(`Provided ${entities.length} DocuChat environments`);
  }

  private toEntity(env: DocuchatEnvironment): Entity {
    const location = `docuchat:environment/${env.name}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: environmentEntityName(env.name),
        title: `DocuChat ${env.title}`,
        description: env.description,
        tags: ['docuchat'],
        annotations: {
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
          'backstage.io/kubernetes-id': env.kubernetesId,
          'backstage.io/kubernetes-namespace': env.kubernetesNamespace,
          'docuchat.io/environment': env.name,
          ...(env.kubernetesCluster && {
            [KUBERNETES_CLUSTER_ANNOTATION]: env.kubernetesCluster,
          }),
        },
        ...(env.url && { links: [{ url: env.url, title: 'Portal' }] }),
      },
      spec: {
        type: ENVIRONMENT_RESOURCE_TYPE,
        owner: env.owner,
        system: 'docuchat',
      },
    };
  }
}
