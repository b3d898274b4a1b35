import { ObjectsByEntityResponse } from '@backstage/plugin-kubernetes-common';

/** One deployment as the summary card shows it. */
export interface DeploymentSummary {
  cluster: string;
  namespace: string;
  name: string;
  replicas: number;
  readyReplicas: number;
  /** The autoscaler that targets the deployment, if any. */
  hpa?: { current: number; min: number; max: number };
  /** `image:tag` per container, as the pod template names it. */
  images: string[];
}

/** The tag (or digest) of an image reference; `latest` when it has none. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : 'latest';
}

/**
 * Deployments with ready replicas, their autoscaler and image tags, from
 * what the Kubernetes plugin's backend answers for an entity.
 */
export function summarizeDeployments(
  response: ObjectsByEntityResponse,
): DeploymentSummary[] {
  return response.items.flatMap(cluster => {
    const deployments = cluster.resources.flatMap(r =>
      r.type === 'deployments' ? r.resources : [],
    );
    const hpas = cluster.resources.flatMap(r =>
      r.type === 'horizontalpodautoscalers' ? r.resources : [],
    );
    return deployments.map(deployment => {
      const name = deployment.metadata?.name ?? '';
      const namespace = deployment.metadata?.namespace ?? '';
      const hpa = hpas.find(
        h =>
          h.spec?.scaleTargetRef?.kind === 'Deployment' &&
          h.spec.scaleTargetRef.name === name &&
          (h.metadata?.namespace ?? namespace) === namespace,
      );
      return {
        cluster: cluster.cluster.title ?? cluster.cluster.name,
        namespace,
        name,
        replicas: deployment.spec?.replicas ?? deployment.status?.replicas ?? 0,
        readyReplicas: deployment.status?.readyReplicas ?? 0,
        hpa: hpa && {
          current: hpa.status?.currentReplicas ?? 0,
          min: hpa.spec?.minReplicas ?? 1,
          max: hpa.spec?.maxReplicas ?? 0,
        },
        images: (deployment.spec?.template?.spec?.containers ?? []).map(
          c => `${c.name}:${imageTag(c.image ?? '')}`,
        ),
      };
    });
  });
}
