import {
  PatchStrategy,
  setHeaderOptions,
  V1Deployment,
} from '@kubernetes/client-node';
import { KubernetesApis } from './KubernetesClusters';
import { kubeCall } from './kubeCall';
import { waitUntil, WaitOptions } from './waitUntil';

/** A deployment by namespace and name. */
export interface DeploymentRef {
  namespace: string;
  name: string;
}

export const strategicMerge = setHeaderOptions(
  'Content-Type',
  PatchStrategy.StrategicMergePatch,
);
export const mergePatch = setHeaderOptions(
  'Content-Type',
  PatchStrategy.MergePatch,
);

export function readDeployment(apis: KubernetesApis, ref: DeploymentRef) {
  return kubeCall(`read deployment ${ref.namespace}/${ref.name}`, () =>
    apis.apps.readNamespacedDeployment(ref),
  );
}

/**
 * What `kubectl rollout restart` does: a new pod-template annotation, so
 * the deployment rolls every pod.
 */
export async function restartDeployment(
  apis: KubernetesApis,
  ref: DeploymentRef,
  restartedAt: string,
) {
  await kubeCall(`restart deployment ${ref.namespace}/${ref.name}`, () =>
    apis.apps.patchNamespacedDeployment(
      {
        ...ref,
        body: {
          spec: {
            template: {
              metadata: {
                annotations: {
                  'kubectl.kubernetes.io/restartedAt': restartedAt,
                },
              },
            },
          },
        },
      },
      strategicMerge,
    ),
  );
}

export async function scaleDeployment(
  apis: KubernetesApis,
  ref: DeploymentRef,
  replicas: number,
) {
  await kubeCall(`scale deployment ${ref.namespace}/${ref.name}`, () =>
    apis.apps.patchNamespacedDeployment(
      { ...ref, body: { spec: { replicas } } },
      mergePatch,
    ),
  );
}

/** `kubectl rollout status`: the new template is rolled out and available. */
function rolloutState(deployment: V1Deployment) {
  const wanted = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const observed =
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const done =
    observed &&
    (status.updatedReplicas ?? 0) === wanted &&
    (status.replicas ?? 0) === wanted &&
    (status.availableReplicas ?? 0) === wanted;
  return {
    done: done ? true : undefined,
    state: `${status.updatedReplicas ?? 0} updated, ${
      status.availableReplicas ?? 0
    } available of ${wanted}`,
  };
}

export function waitForRollout(
  apis: KubernetesApis,
  ref: DeploymentRef,
  wait: WaitOptions,
) {
  return waitUntil(
    `the rollout of deployment ${ref.namespace}/${ref.name}`,
    async () => rolloutState(await readDeployment(apis, ref)),
    wait,
  );
}
