import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';

/** One cluster of the `kubernetes` config, as the runbooks reach it. */
interface ClusterEntry {
  name: string;
  url: string;
  serviceAccountToken?: string;
  skipTLSVerify: boolean;
  caData?: string;
}

/** The API clients of one cluster. */
export interface KubernetesApis {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  autoscaling: AutoscalingV2Api;
}

/**
 * The clusters the Kubernetes plugin reads
 * (`kubernetes.clusterLocatorMethods[type=config].clusters`), by name. The
 * runbooks authenticate with the cluster's `serviceAccountToken`.
 */
export class KubernetesClusters {
  private constructor(private readonly clusters: Map<string, ClusterEntry>) {}

  static fromConfig(config: Config): KubernetesClusters {
    const clusters = new Map<string, ClusterEntry>();
    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    for (const method of methods) {
      if (method.getString('type') !== 'config') continue;
      for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
        const name = cluster.getString('name');
        clusters.set(name, {
          name,
          url: cluster.getString('url'),
          serviceAccountToken: cluster.getOptionalString('serviceAccountToken'),
          skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
          caData: cluster.getOptionalString('caData'),
        });
      }
    }
    return new KubernetesClusters(clusters);
  }

  /** The API clients for the cluster of that name; InputError if unknown. */
  apis(name: string): KubernetesApis {
    const cluster = this.clusters.get(name);
    if (!cluster) {
      const known = [...this.clusters.keys()].join(', ') || 'none';
      throw new InputError(
        `Unknown Kubernetes cluster "${name}"; the kubernetes config lists: ${known}`,
      );
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          skipTLSVerify: cluster.skipTLSVerify,
          caData: cluster.caData,
        },
      ],
      users: [
        { name: 'docuchat-runbooks', token: cluster.serviceAccountToken },
      ],
      contexts: [
        { name: 'runbook', cluster: cluster.name, user: 'docuchat-runbooks' },
      ],
      currentContext: 'runbook',
    });
    return {
      core: kubeConfig.makeApiClient(CoreV1Api),
      apps: kubeConfig.makeApiClient(AppsV1Api),
      batch: kubeConfig.makeApiClient(BatchV1Api),
      autoscaling: kubeConfig.makeApiClient(AutoscalingV2Api),
    };
  }
}
