import { createRolloutRestartAction } from './rolloutRestart';
import {
  actionContext,
  NS,
  requestLines,
  useKubernetesTestServer,
} from '../__testUtils__/runbookTestKit';

describe('docuchat:rollout:restart', () => {
  const kit = useKubernetesTestServer();
  const path = `/apis/apps/v1/namespaces/${NS}/deployments/docuchat-portal`;
  const input = {
    cluster: 'test',
    namespace: NS,
    release: 'docuchat',
    timeoutSeconds: 1,
  };

  beforeEach(() => kit.server.addDeployment(NS, 'docuchat-portal', 2));

  it('patches the pod template and waits for the rollout', async () => {
    const ctx = actionContext(input);
    await createRolloutRestartAction(kit.deps).handler(ctx as any);

    expect(requestLines(kit.server)).toEqual([`PATCH ${path}`, `GET ${path}`]);
    const [patch] = kit.server.requests;
    expect(patch.contentType).toBe('application/strategic-merge-patch+json');
    const restartedAt =
      patch.body.spec.template.metadata.annotations[
        'kubectl.kubernetes.io/restartedAt'
      ];
    expect(patch.body).toEqual({
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt },
          },
        },
      },
    });
    expect(new Date(restartedAt).getTime()).toBeGreaterThan(
      Date.now() - 60_000,
    );
    expect(ctx.output).toHaveBeenCalledWith('restartedAt', restartedAt);
    expect(ctx.output).toHaveBeenCalledWith('deployment', 'docuchat-portal');
  });

  it('dry run reads the deployment and changes nothing', async () => {
    const ctx = actionContext(input, { dryRun: true });
    await createRolloutRestartAction(kit.deps).handler(ctx as any);
    expect(requestLines(kit.server)).toEqual([`GET ${path}`]);
    expect(ctx.loggedText()).toContain(
      `would restart deployment ${NS}/docuchat-portal on cluster test`,
    );
  });

  it('reports a 403 clearly', async () => {
    kit.server.failures.set(`PATCH ${path}`, 403);
    await expect(
      createRolloutRestartAction(kit.deps).handler(actionContext(input) as any),
    ).rejects.toThrow(
      `Kubernetes refused to restart deployment ${NS}/docuchat-portal (403 Forbidden): forced 403`,
    );
  });

  it('reports a missing deployment', async () => {
    const ctx = actionContext({ ...input, deployment: 'nope' });
    await expect(
      createRolloutRestartAction(kit.deps).handler(ctx as any),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('fails after the timeout when the rollout never completes', async () => {
    kit.server.controllers.rollouts = false;
    await expect(
      createRolloutRestartAction(kit.deps).handler(actionContext(input) as any),
    ).rejects.toThrow(
      `Timed out after 1 s waiting for the rollout of deployment ${NS}/docuchat-portal (last state: 2 updated, 2 available of 2)`,
    );
  });

  it('rejects an unknown cluster before any request', async () => {
    await expect(
      createRolloutRestartAction(kit.deps).handler(
        actionContext({ ...input, cluster: 'elsewhere' }) as any,
      ),
    ).rejects.toThrow(
      'Unknown Kubernetes cluster "elsewhere"; the kubernetes config lists: test',
    );
    expect(kit.server.requests).toEqual([]);
  });
});
