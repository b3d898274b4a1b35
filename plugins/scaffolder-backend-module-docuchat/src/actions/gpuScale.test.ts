import { createGpuScaleAction } from './gpuScale';
import {
  actionContext,
  NS,
  requestLines,
  useKubernetesTestServer,
} from '../__testUtils__/runbookTestKit';

describe('docuchat:gpu:scale', () => {
  const kit = useKubernetesTestServer();
  const deployment = `/apis/apps/v1/namespaces/${NS}/deployments/docuchat-inference`;
  const hpa = `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers/docuchat-inference`;
  const target = { cluster: 'test', namespace: NS, release: 'docuchat' };

  beforeEach(() => {
    kit.server.addDeployment(NS, 'docuchat-inference', 1);
    kit.server.addHpa(NS, 'docuchat-inference', 1, 4);
  });

  it('sets replicas and HPA bounds with merge patches', async () => {
    const ctx = actionContext({
      ...target,
      replicas: 3,
      minReplicas: 2,
      maxReplicas: 8,
    });
    await createGpuScaleAction(kit.deps).handler(ctx as any);

    expect(requestLines(kit.server)).toEqual([
      `GET ${deployment}`,
      `GET ${hpa}`,
      `PATCH ${hpa}`,
      `PATCH ${deployment}`,
    ]);
    const [, , hpaPatch, deploymentPatch] = kit.server.requests;
    expect(hpaPatch.contentType).toBe('application/merge-patch+json');
    expect(hpaPatch.body).toEqual({ spec: { minReplicas: 2, maxReplicas: 8 } });
    expect(deploymentPatch.contentType).toBe('application/merge-patch+json');
    expect(deploymentPatch.body).toEqual({ spec: { replicas: 3 } });
    expect(ctx.output).toHaveBeenCalledWith('previousReplicas', 1);
    expect(ctx.output).toHaveBeenCalledWith('previousMinReplicas', 1);
    expect(ctx.output).toHaveBeenCalledWith('previousMaxReplicas', 4);
  });

  it('changes only the HPA maximum when only that is given', async () => {
    await createGpuScaleAction(kit.deps).handler(
      actionContext({ ...target, maxReplicas: 6 }) as any,
    );
    expect(kit.server.writes).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        path: hpa,
        body: { spec: { maxReplicas: 6 } },
      }),
    ]);
  });

  it('dry run reads and sends no write', async () => {
    const ctx = actionContext(
      { ...target, replicas: 0, maxReplicas: 2 },
      { dryRun: true },
    );
    await createGpuScaleAction(kit.deps).handler(ctx as any);
    expect(kit.server.writes).toEqual([]);
    expect(ctx.loggedText()).toContain(
      'deployment docuchat-inference replicas → 0',
    );
  });

  it('refuses a minimum above the maximum, without writes', async () => {
    await expect(
      createGpuScaleAction(kit.deps).handler(
        actionContext({ ...target, minReplicas: 5 }) as any,
      ),
    ).rejects.toThrow('minReplicas (5) would be above maxReplicas (4)');
    expect(kit.server.writes).toEqual([]);
  });

  it('refuses an empty change', async () => {
    await expect(
      createGpuScaleAction(kit.deps).handler(actionContext(target) as any),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(kit.server.requests).toEqual([]);
  });

  it('reports a missing HPA and a forbidden patch', async () => {
    kit.server.objects.delete(hpa);
    await expect(
      createGpuScaleAction(kit.deps).handler(
        actionContext({ ...target, minReplicas: 2 }) as any,
      ),
    ).rejects.toThrow(
      `Cannot read horizontal pod autoscaler ${NS}/docuchat-inference: not found (404)`,
    );

    kit.server.failures.set(`PATCH ${deployment}`, 403);
    await expect(
      createGpuScaleAction(kit.deps).handler(
        actionContext({ ...target, replicas: 2 }) as any,
      ),
    ).rejects.toThrow(
      `Kubernetes refused to scale deployment ${NS}/docuchat-inference (403 Forbidden)`,
    );
  });
});
