import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  mergePatch,
  readDeployment,
  scaleDeployment,
} from '../kubernetes/deployments';
import { kubeCall } from '../kubernetes/kubeCall';
import { examples } from './gpuScale.examples';
import { releaseOf, RunbookDeps, targetInput } from './runbookInputs';

/**
 * `docuchat:gpu:scale`: replicas and/or HPA bounds of the chart's GPU
 * inference Deployment `<release>-inference` (HPA of the same name).
 */
export function createGpuScaleAction(deps: RunbookDeps) {
  return createTemplateAction({
    id: 'docuchat:gpu:scale',
    description:
      "Scales the chart's GPU inference workers: the Deployment's replicas and/or the HorizontalPodAutoscaler's minReplicas and maxReplicas (both named <release>-inference).",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetInput,
        replicas: z =>
          z
            .number()
            .int()
            .min(0)
            .max(100)
            .optional()
            .describe(
              'Replicas now (the HPA, if any, moves them within its bounds afterwards)',
            ),
        minReplicas: z =>
          z.number().int().min(1).max(100).optional().describe('HPA minimum'),
        maxReplicas: z =>
          z.number().int().min(1).max(100).optional().describe('HPA maximum'),
      },
      output: {
        deployment: z => z.string(),
        previousReplicas: z => z.number().optional(),
        previousMinReplicas: z => z.number().optional(),
        previousMaxReplicas: z => z.number().optional(),
      },
    },
    async handler(ctx) {
      const { cluster, namespace, replicas, minReplicas, maxReplicas } =
        ctx.input;
      if (
        replicas === undefined &&
        minReplicas === undefined &&
        maxReplicas === undefined
      ) {
        throw new InputError(
          'Give replicas, minReplicas or maxReplicas: there is nothing to change',
        );
      }
      const name = `${releaseOf(ctx.input)}-inference`;
      const apis = deps.clusters.apis(cluster);
      const deployment = await readDeployment(apis, { namespace, name });
      ctx.output('deployment', name);
      ctx.output('previousReplicas', deployment.spec?.replicas ?? 1);

      const changesHpa = minReplicas !== undefined || maxReplicas !== undefined;
      let hpaPatch: { minReplicas?: number; maxReplicas?: number } = {};
      if (changesHpa) {
        const hpa = await kubeCall(
          `read horizontal pod autoscaler ${namespace}/${name}`,
          () =>
            apis.autoscaling.readNamespacedHorizontalPodAutoscaler({
              namespace,
              name,
            }),
        );
        const min = minReplicas ?? hpa.spec?.minReplicas ?? 1;
        const max = maxReplicas ?? hpa.spec?.maxReplicas;
        if (max !== undefined && min > max) {
          throw new InputError(
            `minReplicas (${min}) would be above maxReplicas (${max})`,
          );
        }
        ctx.output('previousMinReplicas', hpa.spec?.minReplicas ?? 1);
        ctx.output('previousMaxReplicas', hpa.spec?.maxReplicas);
        hpaPatch = {
          ...(minReplicas !== undefined && { minReplicas }),
          ...(maxReplicas !== undefined && { maxReplicas }),
        };
      }

      const changes = [
        replicas !== undefined && `deployment ${name} replicas → ${replicas}`,
        changesHpa && `HPA ${name} ${JSON.stringify(hpaPatch)}`,
      ].filter(Boolean);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would set on ${cluster}/${namespace}: ${changes.join(
            '; ',
          )}`,
        );
        return;
      }
      if (changesHpa) {
        await kubeCall(
          `update horizontal pod autoscaler ${namespace}/${name}`,
          () =>
            apis.autoscaling.patchNamespacedHorizontalPodAutoscaler(
              { namespace, name, body: { spec: hpaPatch } },
              mergePatch,
            ),
        );
      }
      if (replicas !== undefined) {
        await scaleDeployment(apis, { namespace, name }, replicas);
      }
      ctx.logger.info(`Set on ${cluster}/${namespace}: ${changes.join('; ')}`);
    },
  });
}
